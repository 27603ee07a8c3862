import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

/**
 * The commit checked out in the git work tree holding `dir`, or null outside one. Read from
 * .git's files (HEAD, the ref, packed-refs) rather than by spawning git: a run records it at
 * start, and a process start is dearer than three small reads.
 */
export function gitCommit(dir: string): string | null {
  try {
    let d = resolve(dir);
    for (;;) {
      const dotGit = join(d, ".git");
      if (existsSync(dotGit)) return commitOf(gitDirOf(dotGit));
      const up = dirname(d);
      if (up === d) return null;
      d = up;
    }
  } catch {
    return null;
  }
}

/** A worktree or submodule has a .git file pointing at its git directory. */
function gitDirOf(dotGit: string): string {
  if (statSync(dotGit).isDirectory()) return dotGit;
  const m = /^gitdir: (.+)$/m.exec(readFileSync(dotGit, "utf8"));
  return m ? resolve(dirname(dotGit), m[1]!.trim()) : dotGit;
}

function commitOf(gitDir: string): string | null {
  const head = readFileSync(join(gitDir, "HEAD"), "utf8").trim();
  const ref = /^ref: (.+)$/.exec(head)?.[1];
  if (!ref) return /^[0-9a-f]{40,64}$/.test(head) ? head : null;
  // A linked worktree keeps its refs in the common git directory.
  const common = existsSync(join(gitDir, "commondir")) ? resolve(gitDir, readFileSync(join(gitDir, "commondir"), "utf8").trim()) : gitDir;
  for (const base of [gitDir, common]) {
    const file = join(base, ref);
    if (existsSync(file)) return readFileSync(file, "utf8").trim();
  }
  for (const base of [gitDir, common]) {
    const packed = join(base, "packed-refs");
    if (!existsSync(packed)) continue;
    const line = readFileSync(packed, "utf8").split("\n").find((l) => l.endsWith(` ${ref}`));
    if (line) return line.split(" ")[0]!;
  }
  return null;
}
