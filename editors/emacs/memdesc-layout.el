;;; memdesc-layout.el --- memdesc-layout in Emacs with eglot  -*- lexical-binding: t -*-
;; The language server for kernel headers and .memdesc sketches. Load this file from init.el,
;; (load "~/.emacs.d/memdesc-layout.el"), or paste it there; then M-x eglot in a header of a kernel tree.
;; It runs `memdesc-layout lsp --stdio` from PATH (npm install -g memdesc-layout).

(add-to-list 'auto-mode-alist '("\\.memdesc\\'" . c-mode)) ; the server knows sketches by their name
(with-eval-after-load 'eglot
  (add-to-list 'eglot-server-programs '((c-mode c-ts-mode) . ("memdesc-layout" "lsp" "--stdio"))))
;; Settings, answered to workspace/configuration (section memdesc):
;; (setq-default eglot-workspace-configuration '(:memdesc (:arch "x86_64" :matrix t)))
