// Engine entry point. MUST be CommonJS (docs/media-engine.md §4.1): under an ES-module entry GLib's main loop never
// services libuv. The engine modules are ESM and are loaded with require() (Node ≥ 20.19 supports require(esm)).
import engine = require('./engine.js');
engine.runEngine();
