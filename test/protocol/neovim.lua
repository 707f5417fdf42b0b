-- Driven by neovim.test.ts: a real Neovim (0.7 API) attaches the bundled server to a C buffer, asks for a
-- hover and waits for published diagnostics, then writes what it got as JSON and quits.
local file = os.getenv('MEMDESC_FILE')
local server = os.getenv('MEMDESC_SERVER')
local out = os.getenv('MEMDESC_OUT')
local line = tonumber(os.getenv('MEMDESC_LINE'))
local col = tonumber(os.getenv('MEMDESC_COL'))
local result = { hover = '', diagnostics = {}, attached = false }

local function finish()
  local f = io.open(out, 'w')
  f:write(vim.fn.json_encode(result))
  f:close()
  vim.cmd('qa!')
end

local ok, err = pcall(function()
  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local buf = vim.api.nvim_get_current_buf()
  local id = vim.lsp.start_client({ name = 'memdesc-layout', cmd = { 'node', server, '--stdio' }, root_dir = vim.fn.fnamemodify(file, ':h') })
  vim.lsp.buf_attach_client(buf, id)
  result.attached = vim.wait(20000, function()
    local c = vim.lsp.get_client_by_id(id)
    return c ~= nil and c.initialized == true
  end, 50)
  for _ = 1, 40 do
    local resp = vim.lsp.buf_request_sync(buf, 'textDocument/hover', { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = line, character = col } }, 5000)
    for _, r in pairs(resp or {}) do
      if r.result and r.result.contents then result.hover = r.result.contents.value or '' end
    end
    if result.hover ~= '' then break end
    vim.wait(250)
  end
  vim.wait(15000, function() return #vim.diagnostic.get(buf) > 0 end, 50)
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(result.diagnostics, { line = d.lnum, message = d.message, severity = d.severity })
  end
end)
if not ok then result.error = tostring(err) end
finish()
