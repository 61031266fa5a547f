import { App } from "cdktf";
import { longLivedEnvironments, selectEnvironments } from "./environments";
import { buildApp } from "./stacks/environment-app";

// The policy pack is never switched off from outside: cdktf's escape hatch for error annotations
// (which the cdktf CLI sets, and which cdktf's own error text suggests) is ignored, so a policy
// error always fails the synthesis, whichever command runs the app.
delete process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS;

// Pick the environments (INFRA_ENVS / INFRA_SANDBOX), build their stacks and their accounts' baselines, synthesize.
const environments = selectEnvironments({
  INFRA_ENVS: process.env.INFRA_ENVS,
  INFRA_SANDBOX: process.env.INFRA_SANDBOX,
});
const app = new App();
buildApp(app, environments, { accountBaselines: longLivedEnvironments() });
app.synth();
