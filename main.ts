import { App } from "cdktf";
import { longLivedEnvironments, selectEnvironments } from "./environments";
import { buildApp } from "./stacks/environment-app";

// Pick the environments (INFRA_ENVS / INFRA_SANDBOX), build their stacks and their accounts' baselines, synthesize.
const environments = selectEnvironments({
  INFRA_ENVS: process.env.INFRA_ENVS,
  INFRA_SANDBOX: process.env.INFRA_SANDBOX,
});
const app = new App();
buildApp(app, environments, { accountBaselines: longLivedEnvironments() });
app.synth();
