-- memdesc-layout in Neovim 0.7 and later: the language server for the C files of kernel trees and for
-- .memdesc sketches. Save as ~/.config/nvim/plugin/memdesc-layout.lua (or paste into init.lua); it runs
-- `memdesc-layout lsp --stdio` from PATH (npm install -g memdesc-layout).
local cmd = { 'memdesc-layout', 'lsp', '--stdio' }
local settings = { memdesc = { arch = 'x86_64', inlayHints = 'offsets', matrix = false } }

local uv = vim.uv or vim.loop
vim.g.c_syntax_for_h = 1 -- kernel headers are C, not C++

-- .memdesc sketches: a filetype of their own (the server knows them by it), highlighted as C.
vim.cmd([[
  augroup memdesc_layout_filetype
    autocmd!
    autocmd BufRead,BufNewFile *.memdesc setfiletype memdesc
    autocmd FileType memdesc setlocal syntax=c commentstring=/*%s*/
  augroup END
]])

-- The kernel tree holding a file: the nearest folder with a top Makefile and include/linux/mm_types.h.
local function kernel_tree(file)
  local dir = vim.fn.fnamemodify(file, ':p:h')
  while true do
    if uv.fs_stat(dir .. '/Makefile') and uv.fs_stat(dir .. '/include/linux/mm_types.h') then return dir end
    local up = vim.fn.fnamemodify(dir, ':h')
    if up == dir then return nil end
    dir = up
  end
end

-- The server's root for a buffer: its kernel tree; for a sketch outside any tree, the current directory
-- (start Neovim in a folder holding your tree and build dir). Other C files are left alone.
local function root_for(buf)
  local file = vim.api.nvim_buf_get_name(buf)
  if file == '' then return nil end
  return kernel_tree(file) or (vim.bo[buf].filetype == 'memdesc' and vim.fn.getcwd() or nil)
end

if vim.lsp.config and vim.lsp.enable then
  -- Neovim 0.11+: a named config that vim.lsp.enable starts for matching buffers.
  vim.lsp.config('memdesc-layout', {
    cmd = cmd,
    filetypes = { 'c', 'memdesc' },
    root_dir = function(buf, on_dir)
      local root = root_for(buf)
      if root then on_dir(root) end
    end,
    settings = settings,
  })
  vim.lsp.enable('memdesc-layout')
else
  local clients = {} -- Neovim 0.7: one client per root, attached by hand
  vim.api.nvim_create_autocmd('FileType', {
    group = vim.api.nvim_create_augroup('memdesc_layout_lsp', { clear = true }),
    pattern = { 'c', 'memdesc' },
    callback = function(args)
      local root = root_for(args.buf)
      if not root then return end
      local config = { name = 'memdesc-layout', cmd = cmd, root_dir = root, settings = settings }
      if vim.lsp.start then -- 0.8 to 0.10: starts or reuses the client of this name and root
        vim.lsp.start(config, { bufnr = args.buf })
        return
      end
      if not (clients[root] and vim.lsp.get_client_by_id(clients[root])) then clients[root] = vim.lsp.start_client(config) end
      vim.lsp.buf_attach_client(args.buf, clients[root])
    end,
  })
end

if vim.fn.has('nvim-0.10') == 1 then
  -- `/* offset size */` after each member.
  vim.api.nvim_create_autocmd('LspAttach', {
    group = vim.api.nvim_create_augroup('memdesc_layout_hints', { clear = true }),
    callback = function(args)
      local client = vim.lsp.get_client_by_id(args.data.client_id)
      if client and client.name == 'memdesc-layout' then vim.lsp.inlay_hint.enable(true, { bufnr = args.buf }) end
    end,
  })
end
