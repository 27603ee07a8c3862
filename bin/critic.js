#!/usr/bin/env node
import module from "node:module";

// Node 22.1 and later keep the compiled bundle between runs (as tsc's own bin does); Node 20 has no such cache.
module.enableCompileCache?.();
const { main } = await import("../dist/cli/main.js");
main(process.argv.slice(2));
