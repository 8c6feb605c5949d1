// CommonJS entry of the standalone playout renderer (docs/media-engine.md §4.1). Run:
// node --require tsx/cjs -e 'require("<this file>")' -- '<spec json>'
import render = require('./render-playout.js');
const args = process.argv.slice(1).filter((a) => a.trim().startsWith('{'));
render.runPlayoutRender(args);
