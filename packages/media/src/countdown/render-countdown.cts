// CommonJS entry of the standalone countdown renderer (docs/media-engine.md §4.1: under an ES-module entry GLib's
// main loop never services libuv). Run: node --require tsx/cjs -e 'require("<this file>")' -- '<spec json>'
// or, built: node dist/countdown/render-countdown.cjs '<spec json>'.
import render = require('./render-countdown.js');
// With `-e` the user arguments start at argv[1], with a file at argv[2]: the spec is the first JSON object.
const args = process.argv.slice(1).filter((a) => a.trim().startsWith('{'));
render.runCountdownRender(args);
