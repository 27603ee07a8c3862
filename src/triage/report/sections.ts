/**
 * The triage report's content, once, as plain tables: report.md and report.html render the
 * same sections, so the two cannot disagree. Pure.
 */
import { fmtInt, fmtMs, fmtNum, fmtPct, fmtUsd, NA, preview } from "../../report/format.js";
import type { Interval } from "../estimate.js";
import type { TriageLineResult, TriageResult } from "../result.js";

export interface Table {
  head: string[];
  /** Right-aligned (numeric) columns. */
  num: boolean[];
  rows: string[][];
  /** Raw values for sorting numeric columns in HTML (null: n/a). */
  sort?: (number | null)[][];
}

export interface Section {
  id: string;
  title: string;
  /** Paragraphs before the tables. */
  text: string[];
  tables: { caption?: string; table: Table }[];
}

const WORST_PER_GROUP = 10;
const MAX_GROUPS = 12;

export function pctCi(estimate: number | null, ci: Interval | null, digits = 1): string {
  if (estimate == null) return NA;
  return ci ? `${fmtPct(estimate, digits)} [${fmtPct(ci.lo, digits)}, ${fmtPct(ci.hi, digits)}]` : fmtPct(estimate, digits);
}

const describe = (facets: Record<string, string>) =>
  Object.entries(facets)
    .map(([k, v]) => `${k} = ${v}`)
    .join(", ");

const counted = (rec: Record<string, number>) =>
  Object.entries(rec)
    .map(([k, n]) => `${k} (${n})`)
    .join(", ");

function scoresText(l: TriageLineResult): string {
  return Object.entries(l.scores)
    .map(([k, v]) => `${k} ${fmtNum(v, 1)}`)
    .join(", ");
}

export function summarySection(r: TriageResult): Section {
  const fr = r.failureRate;
  const lines = [
    ["Lines in the log", fmtInt(r.lines)],
    ["Failure rate (95% CI)", pctCi(fr.estimate, fr.ci95, 2)],
    ["Failing lines in the log (95% CI)", r.estimatedFailures.estimate == null ? NA : `${fmtInt(r.estimatedFailures.estimate)} [${fmtInt(r.estimatedFailures.ci95?.lo)}, ${fmtInt(r.estimatedFailures.ci95?.hi)}]`],
    ["Lines drawn / judged / failing", `${fmtInt(r.sampled)} / ${fmtInt(r.judged)} / ${fmtInt(r.failing)}`],
    ["Critic calls (cache hits)", `${fmtInt(r.calls)} (${fmtInt(r.cacheHits)})`],
    ["Cost", fmtUsd(r.costUsd)],
    ["Failure", `aggregate score at most ${r.failAtMost} on some rubric (${r.rubrics.join(", ")})`],
    ["Critics", r.critics.join(", ")],
  ];
  return {
    id: "summary",
    title: "Summary",
    text: [
      `Triage of ${r.log} (${r.format}). ${fmtInt(r.judged)} lines judged stand for all ${fmtInt(r.lines)}: each was drawn with a known probability, and every figure about the whole log is weighted back by it.`,
    ],
    tables: [{ table: { head: ["", ""], num: [false, false], rows: lines } }],
  };
}

export function facetSection(r: TriageResult): Section {
  return {
    id: "facets",
    title: "Failure rate by facet",
    text: r.facets.length
      ? ["Each value's failure rate with its 95% interval, and its share of all failing lines in the log (weighted back)."]
      : ["No facet columns (set triage.facets to break the failure rate down by prompt version, model, topic or any column)."],
    tables: r.facets.map((f) => ({
      caption: f.column,
      table: {
        head: [f.column, "Lines", "Judged", "Failing (judged)", "Failure rate [95% CI]", "Share of failures"],
        num: [false, true, true, true, true, true],
        rows: f.values.map((v) => [v.value, fmtInt(v.lines), fmtInt(v.judged), fmtInt(v.failing), pctCi(v.rate.estimate, v.rate.ci95), fmtPct(v.shareOfFailures)]),
        sort: f.values.map((v) => [null, v.lines, v.judged, v.failing, v.rate.estimate, v.shareOfFailures]),
      },
    })),
  };
}

export function causesSection(r: TriageResult): Section {
  const byId = new Map(r.failures.map((l) => [l.id, l]));
  const groups = r.causes.slice(0, MAX_GROUPS);
  return {
    id: "causes",
    title: "Worst experiences, grouped by cause",
    text: groups.length
      ? [
          "Slices of the log that fail at least twice as often as the whole (95% interval above the overall rate) come first as causes; the remaining failures are grouped by which rubrics failed and which signals fired. Groups are ordered by the failing lines they stand for in the whole log; lines within a group worst first.",
          ...(r.causes.length > groups.length ? [`${r.causes.length - groups.length} smaller groups are in summary.json.`] : []),
        ]
      : ["No judged line failed."],
    tables: groups.map((g, k) => {
      const what = g.kind === "slice" ? describe(g.facets) : `${Object.keys(g.rubrics).join(" + ") || "no rubric"} failed; signals: ${Object.keys(g.signals).join(", ") || "none"}`;
      const rate = g.rate ? `; fails ${pctCi(g.rate.estimate, g.rate.ci95)}` : "";
      const shared = g.kind === "signals" && Object.keys(g.facets).length ? `; shared: ${describe(g.facets)}` : "";
      const extra = g.kind === "slice" ? `; rubrics: ${counted(g.rubrics)}; signals: ${counted(g.signals) || "none"}` : "";
      const lines = g.ids.slice(0, WORST_PER_GROUP).map((id) => byId.get(id)!);
      return {
        caption: `${k + 1}. ${what}${rate}${shared}: about ${fmtInt(g.estimatedFailures)} failing lines in the log (${g.judgedFailures} judged)${extra}`,
        table: {
          head: ["Id", "Scores", "Signals", "Facets", "Output"],
          num: [false, false, false, false, false],
          rows: lines.map((l) => [l.id, scoresText(l), l.signals.join(", ") || "none", describe(l.facets), preview(l.outputPreview, 100)]),
        },
      };
    }),
  };
}

export function signalsSection(r: TriageResult): Section {
  return {
    id: "signals",
    title: "Signals",
    text: [
      `The label model (a two-class latent class model over the signals) puts ${fmtPct(r.design.prior)} of lines as bad. Its precision and recall come from the signals' agreements alone; the judged columns measure them against the critics' verdicts, weighted back to the whole log.`,
      ...r.design.joint.map((b) => `Modelled as one joint signal, because they fire together beyond what a line's quality explains: ${b.join(" + ")}.`),
    ],
    tables: [
      {
        table: {
          head: ["Signal", "Lines fired", "Coverage", "Model precision", "Model recall", "Judged fired", "Precision (judged)", "Recall (judged)"],
          num: [false, true, true, true, true, true, true, true],
          rows: r.signals.map((s) => [s.name, fmtInt(s.fired), fmtPct(s.coverage, 2), fmtPct(s.modelPrecision), fmtPct(s.modelRecall), fmtInt(s.judgedFired), fmtPct(s.precision), fmtPct(s.recall)]),
          sort: r.signals.map((s) => [null, s.fired, s.coverage, s.modelPrecision, s.modelRecall, s.judgedFired, s.precision, s.recall]),
        },
      },
      {
        caption: "Each combination of signals: its lines, the label model's probability that such a line is bad, and each line's chance to be judged",
        table: {
          head: ["Signals", "Lines", "P(bad)", "Chance to be judged"],
          num: [false, true, true, true],
          rows: r.design.patterns.slice(0, 20).map((p) => [p.signals.join(" + ") || "none", fmtInt(p.lines), fmtPct(p.pBad), fmtPct(p.pi, 2)]),
          sort: r.design.patterns.slice(0, 20).map((p) => [null, p.lines, p.pBad, p.pi]),
        },
      },
    ],
  };
}

export function latencySection(r: TriageResult): Section {
  const l = r.latency;
  return {
    id: "latency",
    title: "Latency tail",
    text: l.lines
      ? [
          `Over ${fmtInt(l.lines)} lines with a latency: p50 ${fmtMs(l.p50)}, p95 ${fmtMs(l.p95)}, p99 ${fmtMs(l.p99)}, max ${fmtMs(l.max)}.`,
          `Failure rate at or above p95: ${pctCi(l.tail.estimate, l.tail.ci95)}; below p95: ${pctCi(l.rest.estimate, l.rest.ci95)}.`,
        ]
      : ["No line has a latency (set triage.latencyColumn)."],
    tables: l.slowest.length
      ? [
          {
            caption: "Slowest lines (judged for certain, so each says whether it also fails on quality)",
            table: {
              head: ["Id", "Latency", "Judged", "Fails on quality", "Worst score"],
              num: [false, true, false, false, true],
              rows: l.slowest.map((s) => [s.id, fmtMs(s.latencyMs), s.judged ? "yes" : "no", s.failed == null ? NA : s.failed ? "yes" : "no", fmtNum(s.worst, 1)]),
            },
          },
        ]
      : [],
  };
}

export function methodSection(r: TriageResult): Section {
  const d = r.design;
  return {
    id: "method",
    title: "How the lines were chosen and the figures estimated",
    text: [
      `Draw: ${d.method}. ${fmtPct(d.floorShare, 0)} of the judgments are spread uniformly, so every line had at least a ${fmtPct(d.floor, 3)} chance; ${d.forcedSlowest} slowest lines were judged for certain. Budget: ${fmtInt(d.maxJudgments)} lines (triage.maxJudgments); seed ${d.seed}.`,
      `Estimates: ${r.failureRate.method}.`,
      ...(r.droppedFacets.length ? [`Facets left out: ${r.droppedFacets.join(", ")}.`] : []),
    ],
    tables: [],
  };
}

export function sections(r: TriageResult): Section[] {
  return [summarySection(r), facetSection(r), causesSection(r), signalsSection(r), latencySection(r), methodSection(r)];
}
