/**
 * JUnit XML for CI test reporters: one <testcase> per gate, a <failure> with the gate's
 * message and worst items when it fails. Shape: testsuites > testsuite > testcase > failure,
 * with tests/failures/errors/skipped counts on both containers. Pure: (r) => string.
 */
import { describeOutcome } from "../gates/evaluate.js";
import type { RunResult } from "../run-result.js";

/** Escape for XML text and double-quoted attributes; drops characters XML 1.0 forbids. */
export function xml(s: string): string {
  return s
    // biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters XML 1.0 cannot carry.
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, "")
    .replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c] as string);
}

export function renderJunit(r: RunResult, suiteName = "critic gates"): string {
  const gates = r.gates ?? [];
  const failures = gates.filter((g) => !g.pass).length;
  const secs = Math.max(0, (Date.parse(r.finishedAt) - Date.parse(r.startedAt)) / 1000);
  const time = Number.isFinite(secs) ? secs.toFixed(3) : "0";
  const counts = `tests="${gates.length}" failures="${failures}" errors="0" skipped="0"`;
  const cases = gates.map((o) => {
    const open = `    <testcase name="${xml(o.name)}" classname="critic.${xml(o.gate.rubric)}" time="0">`;
    if (o.pass) return `${open}\n      <system-out>${xml(o.message)}</system-out>\n    </testcase>`;
    return `${open}\n      <failure message="${xml(o.message)}" type="GateFailed">${xml(describeOutcome(o))}</failure>\n    </testcase>`;
  });
  const props = [
    ["run", r.run],
    ["dataset", r.dataset],
    ["simulated", String(r.simulated)],
    ["complete", String(r.complete)],
  ].map(([k, v]) => `      <property name="${k}" value="${xml(v)}"/>`);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="critic" ${counts} time="${time}">`,
    `  <testsuite name="${xml(suiteName)}" ${counts} time="${time}" timestamp="${xml(r.startedAt)}">`,
    "    <properties>",
    ...props,
    "    </properties>",
    ...cases,
    "  </testsuite>",
    "</testsuites>",
    "",
  ].join("\n");
}
