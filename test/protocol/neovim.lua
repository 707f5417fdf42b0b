-- Driven by neovim.test.ts: a real Neovim runs the README's setup (editors/neovim/memdesc-layout.lua, which
-- starts `memdesc-layout` from PATH); opens a .memdesc sketch, asks for a hover and waits for diagnostics;
-- opens a header of a kernel tree and hovers there; opens a C file outside any tree (which the setup must
-- leave alone); then writes what it got as JSON and quits. Written for the 0.7 API and every later one.
local env = os.getenv
local v = vim.version()
local result = {
  version = string.format('%d.%d.%d', v.major, v.minor, v.patch),
  lsp_config = vim.lsp.config ~= nil and vim.lsp.enable ~= nil,
  diagnostics = {},
}

-- The memdesc-layout client attached to a buffer (0.7 has no filtered get_clients).
local function client_of(buf)
  local list = vim.lsp.get_clients and vim.lsp.get_clients({ bufnr = buf }) or vim.lsp.buf_get_clients(buf)
  for _, c in pairs(list) do
    if c.name == 'memdesc-layout' then return c end
  end
end

-- Opens a file, waits (with a deadline) for the client, hovers at (line, col): filetype, root, hover.
local function open_and_hover(file, line, col)
  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local buf = vim.api.nvim_get_current_buf()
  local got = { filetype = vim.bo[buf].filetype, hover = '' }
  local attached = vim.wait(20000, function()
    local c = client_of(buf)
    return c ~= nil and c.initialized == true
  end, 50)
  if not attached then error('no memdesc-layout client attached to ' .. file) end
  got.root = client_of(buf).config.root_dir
  for _ = 1, 40 do
    local resp = vim.lsp.buf_request_sync(buf, 'textDocument/hover', { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = line, character = col } }, 5000)
    for _, r in pairs(resp or {}) do
      if r.result and r.result.contents then got.hover = r.result.contents.value or '' end
    end
    if got.hover ~= '' then break end
    vim.wait(250)
  end
  return got, buf
end

local ok, err = pcall(function()
  vim.cmd('source ' .. vim.fn.fnameescape(env('MEMDESC_SETUP')))
  local sketch, buf = open_and_hover(env('MEMDESC_FILE'), tonumber(env('MEMDESC_LINE')), tonumber(env('MEMDESC_COL')))
  result.sketch = sketch
  vim.wait(15000, function() return #vim.diagnostic.get(buf) > 0 end, 50)
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(result.diagnostics, { line = d.lnum, message = d.message, severity = d.severity })
  end
  if vim.fn.has('nvim-0.10') == 1 then result.inlay_hints = vim.lsp.inlay_hint.is_enabled({ bufnr = buf }) end
  result.header = open_and_hover(env('MEMDESC_HEADER'), tonumber(env('MEMDESC_HEADER_LINE')), tonumber(env('MEMDESC_HEADER_COL')))
  -- Outside any tree: the setup starts nothing (the client for the tree is up, so an attach would be quick).
  vim.cmd('edit ' .. vim.fn.fnameescape(env('MEMDESC_OTHER')))
  local other = vim.api.nvim_get_current_buf()
  result.other = { filetype = vim.bo[other].filetype }
  vim.wait(1500, function() return client_of(other) ~= nil end, 50)
  result.other.attached = client_of(other) ~= nil
end)
if not ok then result.error = tostring(err) end
local f = io.open(env('MEMDESC_OUT'), 'w')
f:write(vim.fn.json_encode(result))
f:close()
vim.cmd('qa!')
