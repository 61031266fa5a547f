import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { checkDeployability, formatProblems } from "../../scripts/deployability";

const WORKFLOWS = path.join(__dirname, "..", "..", ".github", "workflows");
const SANDBOX_ONLY = { INFRA_ENVS: "", INFRA_SANDBOX: "alice" };

describe("npm run check:deploy (checkDeployability)", () => {
  // One synthesis: the sandbox alone, with its host's bootstrap stack (the state key) synthesized too,
  // so the only missing link is the one broken here.
  it("reports a missing link from the workflow files it reads, naming environment and link", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "workflows-"));
    try {
      for (const file of fs.readdirSync(WORKFLOWS))
        fs.copyFileSync(path.join(WORKFLOWS, file), path.join(dir, file));
      const sandbox = parse(fs.readFileSync(path.join(dir, "sandbox.yml"), "utf8"));
      sandbox.jobs.sandbox["runs-on"] = "ubuntu-latest";
      fs.writeFileSync(path.join(dir, "sandbox.yml"), stringify(sandbox));
      const { environments, problems } = checkDeployability(SANDBOX_ONLY, dir);
      expect(environments).toEqual(["sandbox-alice"]);
      expect(formatProblems(problems)).toMatch(
        /^Environment 'sandbox-alice': missing link 'workflow-runner': sandbox\.yml: sandbox runs on \["ubuntu-latest"\], not on \S+/,
      );
      expect(problems).toHaveLength(1);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
