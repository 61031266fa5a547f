import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Testing } from "cdktf";
import "cdktf/lib/testing/adapters/jest";

// cdktf's matchers (toHaveResourceWithProperties, ...) for every test file.
Testing.setupJest();

// cdktf's Testing helpers leave a temp folder per synthesized app. Give each test file its own
// temp root and remove it afterwards, so a test run leaves nothing behind in the system temp dir.
const previousTmpdir = process.env.TMPDIR;
const fileTmpdir = fs.mkdtempSync(path.join(os.tmpdir(), "infra-test-"));
process.env.TMPDIR = fileTmpdir;

afterAll(() => {
  if (previousTmpdir === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = previousTmpdir;
  fs.rmSync(fileTmpdir, { recursive: true, force: true });
});
