import { afterEach } from "vitest";
import { type SimServer, type SimServerOptions, startSimServer } from "../../src/providers/sim/server.js";
import { tempDir } from "./cli.js";

/**
 * Per-test scratch space for end-to-end tests: temp working directories and simulators,
 * all removed or closed after each test. Not for `describe.concurrent`: the first test to finish
 * would close the others' simulators (faults.test.ts cleans up per run instead).
 *
 * @example
 * const scratch = useScratch();
 * it("...", async () => { const sim = await scratch.sim({ seed: 1 }); const cwd = await scratch.workdir(); });
 */
export function useScratch(): { workdir(prefix?: string): Promise<string>; sim(opts?: SimServerOptions): Promise<SimServer> } {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });
  return {
    async workdir(prefix) {
      const d = await tempDir(prefix);
      cleanups.push(d.cleanup);
      return d.path;
    },
    async sim(opts) {
      const s = await startSimServer(opts);
      cleanups.push(() => s.close());
      return s;
    },
  };
}
