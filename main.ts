import { App } from "cdktf";
import { selectEnvironments } from "./environments";
import { buildApp } from "./stacks/environment-app";

// Pick the environments (INFRA_ENVS / INFRA_SANDBOX), build their stacks, synthesize.
const environments = selectEnvironments({
  INFRA_ENVS: process.env.INFRA_ENVS,
  INFRA_SANDBOX: process.env.INFRA_SANDBOX,
});
const app = new App();
buildApp(app, environments);
app.synth();
