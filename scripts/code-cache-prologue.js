// Prepended to the node bundles (CLI, server, matrix worker) by scripts/build.mjs: compiles the rest of the bundle
// with V8's code cache, so that a fresh process deserializes the functions it ran last time instead of compiling
// them again. The cache lives in $MEMDESC_CACHE/v8 (default ~/.cache/memdesc-layout/v8), one file per bundle (and
// CLI command), keyed by the bundle's size and mtime and by the node version; MEMDESC_CODE_CACHE=0 turns it off
// (=debug says hit or miss on stderr). Anything that
// goes wrong falls back to running the bundle as it is.
{
  // Compiled here; run below, outside the try: an error the bundle throws is its own, not a reason to run it twice.
  const compiled = (() => {
    if (process.env.MEMDESC_CODE_CACHE === '0') return undefined;
    try {
      const fs = require('node:fs');
      const path = require('node:path');
      const os = require('node:os');
      const vm = require('node:vm');
      const Module = require('node:module');
      const src = fs.readFileSync(__filename, 'utf8');
      const marker = '/*memdesc:' + 'body*/';
      const at = src.indexOf(marker);
      if (at < 0) return undefined;
      const st = fs.statSync(__filename);
      const dir = path.join(process.env.MEMDESC_CACHE || path.join(os.homedir(), '.cache', 'memdesc-layout'), 'v8');
      // One cache per command of the CLI (what `check` compiles is not what `--version` does).
      const command = path.basename(__filename) === 'cli.js' && /^[a-z-]+$/.test(process.argv[2] ?? '') ? `-${process.argv[2]}` : '';
      const key = `${path.basename(__filename, '.js')}${command}-${st.size}-${Math.floor(st.mtimeMs)}-${process.version}-${process.arch}.bin`;
      const file = path.join(dir, key);
      let cachedData;
      try {
        cachedData = fs.readFileSync(file);
      } catch {
        cachedData = undefined;
      }
      const lineOffset = src.slice(0, at).split('\n').length - 1;
      const script = new vm.Script(Module.wrap(src.slice(at)), { filename: __filename, lineOffset, cachedData, importModuleDynamically: vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER });
      const hit = cachedData !== undefined && !script.cachedDataRejected;
      if (process.env.MEMDESC_CODE_CACHE === 'debug') process.stderr.write(`memdesc code cache: ${hit ? 'hit' : 'miss'} ${file} (${cachedData?.length ?? 'none'}, rejected ${script.cachedDataRejected})\n`);
      if (!hit) {
        // Written when the process ends, so that it holds every function this run compiled; or earlier, when the
        // program is about to change V8's flags (the server does), which would make a later cache unusable.
        let written = false;
        const flush = () => {
          if (written) return;
          written = true;
          try {
            fs.mkdirSync(dir, { recursive: true });
            const tmp = `${file}.${process.pid}.tmp`;
            fs.writeFileSync(tmp, script.createCachedData());
            fs.renameSync(tmp, file);
          } catch {
            // an unwritable cache is no cache
          }
        };
        globalThis.__memdescCodeCacheFlush = flush;
        process.once('exit', flush);
      }
      return script.runInThisContext();
    } catch (e) {
      if (process.env.MEMDESC_CODE_CACHE === 'debug') process.stderr.write(`memdesc code cache: not used (${e})\n`);
      return undefined;
    }
  })();
  if (compiled) {
    compiled(exports, require, module, __filename, __dirname);
    return;
  }
}
