import type { HttpCandidateTarget, TaskCandidateTarget } from "../config/load.js";
import type { DatasetRow } from "../data/dataset.js";
import type { Generation } from "../run-result.js";
import { type ServiceRunnerDeps, createServiceRunner } from "./http.js";
import { taskRow } from "./row.js";
import { createTaskRunner } from "./task.js";

/**
 * The user's own system as candidates: task functions and HTTP services. Model candidates go
 * through the runner's model caller; these get the row, the run's signal, and their own limits.
 */
export function createCandidateRunner(deps: ServiceRunnerDeps) {
  const tasks = createTaskRunner(deps);
  const services = createServiceRunner(deps);
  return {
    generate(t: TaskCandidateTarget | HttpCandidateTarget, row: DatasetRow): Promise<Generation> {
      return t.kind === "task" ? tasks.run(t, taskRow(row)) : services.run(t, taskRow(row));
    },
  };
}
