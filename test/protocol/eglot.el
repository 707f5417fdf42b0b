;;; eglot.el --- driven by eglot.test.ts: Emacs (batch) + eglot run the README's setup -*- lexical-binding: t -*-
;; Loads editors/emacs/memdesc-layout.el (which starts `memdesc-layout` from PATH), opens a .memdesc sketch,
;; asks for a hover, waits for published diagnostics (eglot 1.9 has no pull diagnostics: this is the server's
;; publish fallback), writes what it got as JSON, and exits.

(require 'eglot)
(require 'json)

(let* ((setup (getenv "MEMDESC_SETUP"))
       (file (getenv "MEMDESC_FILE"))
       (out (getenv "MEMDESC_OUT"))
       (line (string-to-number (getenv "MEMDESC_LINE")))
       (col (string-to-number (getenv "MEMDESC_COL")))
       (published nil)
       (result (list (cons 'hover "") (cons 'diagnostics []) (cons 'connected :json-false))))
  (advice-add 'eglot-handle-notification :before
              (lambda (_server method &rest params)
                (when (eq method 'textDocument/publishDiagnostics)
                  (setq published (plist-get params :diagnostics)))))
  (condition-case err
      (progn
        (load setup nil t)
        (find-file file)
        (setf (alist-get 'mode result) (symbol-name major-mode))
        (call-interactively #'eglot)
        (with-timeout (20 (error "eglot did not connect"))
          (while (not (eglot-current-server)) (accept-process-output nil 0.05)))
        (setf (alist-get 'connected result) t)
        (setf (alist-get 'command result) (vconcat (process-command (jsonrpc--process (eglot-current-server)))))
        ;; Asynchronous, as eglot's own eldoc hover is (a synchronous jsonrpc-request in jsonrpc 1.0 can drop
        ;; a notification that arrives in the same read as its reply).
        (let ((hover nil))
          (jsonrpc-async-request (eglot-current-server) :textDocument/hover
                                 (list :textDocument (eglot--TextDocumentIdentifier)
                                       :position (list :line line :character col))
                                 :success-fn (lambda (h) (setq hover (or (plist-get (plist-get h :contents) :value) "")))
                                 :error-fn (lambda (e) (setq hover (format "error: %S" e))))
          (with-timeout (20 (error "no hover answer"))
            (while (not hover) (accept-process-output nil 0.05)))
          (setf (alist-get 'hover result) hover))
        (with-timeout (20 (error "no diagnostics were published"))
          (while (not published) (accept-process-output nil 0.05)))
        (setf (alist-get 'diagnostics result)
              (vconcat (mapcar (lambda (d)
                                 (list (cons 'line (plist-get (plist-get (plist-get d :range) :start) :line))
                                       (cons 'message (plist-get d :message))
                                       (cons 'severity (plist-get d :severity))))
                               published))))
    (error (setf (alist-get 'error result) (error-message-string err))))
  (with-temp-file out (insert (json-encode result)))
  (ignore-errors (eglot-shutdown (eglot-current-server)))
  (kill-emacs 0))
