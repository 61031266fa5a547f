/**
 * The library as another repository gets it: `npm pack` (which builds constructs/ with its own
 * tsconfig), the tarball unpacked into an empty project whose peer dependencies are this repo's
 * installed packages (offline), the examples type-checked against the packed declarations with a
 * strict `node16` configuration, and examples/app.ts (its own provider and backend; network, object
 * storage, Postgres, policy pack) synthesized with plain Node.
 */
import { execFileSync } from "node:child_process";
import { contentHash } from "../content-hash";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { EXAMPLES_DIR, PACKAGE_NAME } from "../../scripts/lib-docs";
import { PEERS, installPackedLibrary } from "./packed-library";
import { TerraformJson, onlyResource, resourcesOf } from "../helpers";

const ROOT = path.join(__dirname, "..", "..");
const STACK_ID = "orders-data-prod";
const LIBRARY_VERSION: string = JSON.parse(
  fs.readFileSync(path.join(ROOT, "constructs", "package.json"), "utf8"),
).version;
// Compiled code, declarations, the charts and the docs (213 KiB with Tempo, SLOs, dashboards and
// External Secrets): a cap that catches stray files (tests, examples, fixtures) and source maps.
const MAX_PACKED_BYTES = 256 * 1024;

/** What the packed library is built from: its sources, the build script and the installed toolchain. */
const PACK_INPUTS = ["constructs", "scripts/build-lib.cjs", "package-lock.json"];

interface PackResult {
  readonly filename: string;
  readonly size: number;
  readonly files: readonly { readonly path: string }[];
}

/** Environment of the child processes: no cdktf settings of the caller leak into the consumer's synth. */
function childEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("CDKTF_")));
}

function run(command: string, args: readonly string[], cwd: string): string {
  try {
    return execFileSync(command, args, { cwd, env: childEnv(), encoding: "utf8", stdio: "pipe" });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(
      `${command} ${args.join(" ")} failed in ${cwd}:\n${e.stdout ?? ""}${e.stderr ?? e.message}`,
    );
  }
}

let workDir: string;
let consumerDir: string;
let pack: PackResult;
let synthesized: TerraformJson;
let manifest: { stacks: Record<string, { annotations?: { level: string; message: string }[] }> };

beforeAll(() => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), "library-consumer-"));
  consumerDir = path.join(workDir, "orders-infra");

  // 1. Pack: the package's prepack script cleans and builds constructs/dist first. The tarball is
  // kept under a hash of everything the build reads, so a run over unchanged sources reuses it.
  const cache = path.join(ROOT, "node_modules", ".cache", "library-pack", contentHash(PACK_INPUTS));
  if (!fs.existsSync(path.join(cache, "pack.json"))) {
    const staging = `${cache}.${process.pid}`;
    fs.mkdirSync(staging, { recursive: true });
    const packed = run(
      "npm",
      ["pack", "--json", "--pack-destination", staging],
      path.join(ROOT, "constructs"),
    );
    fs.writeFileSync(path.join(staging, "pack.json"), packed);
    fs.rmSync(cache, { recursive: true, force: true });
    fs.renameSync(staging, cache);
  }
  pack = (JSON.parse(fs.readFileSync(path.join(cache, "pack.json"), "utf8")) as PackResult[])[0];
  fs.copyFileSync(path.join(cache, pack.filename), path.join(workDir, pack.filename));

  // 2. A fresh project: the tarball unpacked as its dependency, the peers reused from this repo.
  installPackedLibrary(path.join(workDir, pack.filename), consumerDir);
  fs.writeFileSync(
    path.join(consumerDir, "package.json"),
    JSON.stringify({
      name: "orders-infra",
      private: true,
      dependencies: { [PACKAGE_NAME]: LIBRARY_VERSION },
    }),
  );
  fs.writeFileSync(
    path.join(consumerDir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        target: "ES2022",
        module: "node16",
        moduleResolution: "node16",
        strict: true,
        noUnusedLocals: true,
        skipLibCheck: true,
        types: [],
        rootDir: "src",
        outDir: "out",
        noEmitOnError: true,
      },
      include: ["src"],
    }),
  );

  // 3. The examples, importing the package by name, type-checked against its .d.ts and compiled.
  fs.mkdirSync(path.join(consumerDir, "src"));
  for (const file of fs.readdirSync(EXAMPLES_DIR).filter((f) => f.endsWith(".ts"))) {
    // Copied as they are: the examples import the package by name, as a consumer's code does.
    fs.copyFileSync(path.join(EXAMPLES_DIR, file), path.join(consumerDir, "src", file));
  }
  run(
    process.execPath,
    [path.join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "."],
    consumerDir,
  );

  // 4. Synthesize the app with plain Node, as `cdktf synth` would.
  run(process.execPath, [path.join("out", "app.js")], consumerDir);
  const outdir = path.join(consumerDir, "cdktf.out");
  manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8"));
  synthesized = JSON.parse(fs.readFileSync(path.join(outdir, "stacks", STACK_ID, "cdk.tf.json"), "utf8"));
});

afterAll(() => {
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
});

describe("the packed library", () => {
  it("contains only the compiled library, its declarations, README, CHANGELOG and LICENSE", () => {
    const paths = pack.files.map((f) => f.path);
    const unexpected = paths.filter(
      (p) =>
        !/^dist\/.+\.(js|d\.ts)$/.test(p) &&
        // Helm charts that constructs reference next to their compiled code.
        !/^dist\/(.+\/)?charts\//.test(p) &&
        !["package.json", "README.md", "CHANGELOG.md", "LICENSE"].includes(p),
    );
    expect(unexpected).toEqual([]);
    expect(paths).toEqual(
      expect.arrayContaining(["dist/index.js", "dist/index.d.ts", "README.md", "CHANGELOG.md", "LICENSE"]),
    );
  });

  it("ships no environments, stacks, examples, tests or TypeScript sources", () => {
    const paths = pack.files.map((f) => f.path);
    expect(paths.filter((p) => /(^|\/)(environments|stacks|examples|test)\//.test(p))).toEqual([]);
    expect(
      paths.filter((p) => /\.test\.|\.tsbuildinfo$/.test(p) || (p.endsWith(".ts") && !p.endsWith(".d.ts"))),
    ).toEqual([]);
  });

  it("ships the Helm charts that constructs reference next to their compiled code", () => {
    const chartFiles = (folder: string): string[] =>
      fs.readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
        const full = path.join(folder, entry.name);
        if (!entry.isDirectory()) return /\/charts\//.test(full) ? [full] : [];
        return ["dist", "examples", "node_modules"].includes(entry.name) ? [] : chartFiles(full);
      });
    const constructsDir = path.join(ROOT, "constructs");
    const expected = chartFiles(constructsDir).map(
      (f) => `dist/${path.relative(constructsDir, f).split(path.sep).join("/")}`,
    );
    expect(pack.files.map((f) => f.path)).toEqual(expect.arrayContaining(expected));
  });

  it("is small", () => {
    expect(pack.size).toBeLessThan(MAX_PACKED_BYTES);
  });

  it("declares the peers and no runtime dependencies", () => {
    const manifestJson = JSON.parse(
      fs.readFileSync(
        path.join(consumerDir, "node_modules", ...PACKAGE_NAME.split("/"), "package.json"),
        "utf8",
      ),
    );
    expect(manifestJson.dependencies).toBeUndefined();
    expect(Object.keys(manifestJson.peerDependencies).sort()).toEqual([...PEERS].sort());
  });

  it("has one entry point: deep imports into dist are not exported", () => {
    // Resolved by Node itself in the consumer project (jest's resolver is not Node's).
    const probe = `
      const attempt = (id) => { try { return require.resolve(id); } catch (error) { return error.code; } };
      console.log(JSON.stringify([attempt("${PACKAGE_NAME}"), attempt("${PACKAGE_NAME}/dist/network/network")]));`;
    const [root, deep] = JSON.parse(run(process.execPath, ["-e", probe], consumerDir));
    expect(root).toMatch(/dist[\\/]index\.js$/);
    expect(deep).toBe("ERR_PACKAGE_PATH_NOT_EXPORTED");
  });
});

describe("a consumer app built on the packed library", () => {
  it("synthesizes its own S3 backend with encryption and S3-native locking", () => {
    expect(synthesized.terraform?.backend?.s3).toEqual(
      expect.objectContaining({
        bucket: "acme-orders-terraform-state",
        key: `${STACK_ID}.tfstate`,
        region: "eu-west-1",
        encrypt: true,
        use_lockfile: true,
      }),
    );
  });

  it("synthesizes its own AWS provider, pinned to its account", () => {
    expect(synthesized.provider?.aws).toEqual([
      expect.objectContaining({ region: "eu-west-1", allowed_account_ids: ["123456789012"] }),
    ]);
  });

  it("gets the network: the VPC and three subnets per tier in three AZs", () => {
    expect(onlyResource(synthesized, "aws_vpc")).toEqual(
      expect.objectContaining({ cidr_block: "10.20.0.0/16", enable_dns_hostnames: true }),
    );
    const subnets = Object.values(resourcesOf(synthesized, "aws_subnet"));
    expect(subnets).toHaveLength(9);
    expect(new Set(subnets.map((s) => s.availability_zone))).toEqual(
      new Set(["eu-west-1a", "eu-west-1b", "eu-west-1c"]),
    );
    expect(Object.values(resourcesOf(synthesized, "aws_flow_log"))).toHaveLength(1);
  });

  it("gets the bucket private, encrypted and protected from destroy", () => {
    expect(onlyResource(synthesized, "aws_s3_bucket_public_access_block")).toEqual(
      expect.objectContaining({
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      }),
    );
    const bucket = onlyResource(synthesized, "aws_s3_bucket");
    expect(bucket.bucket_prefix).toBe("orders-documents-");
    expect(bucket.lifecycle).toEqual({ prevent_destroy: true });
    const encryption = onlyResource(synthesized, "aws_s3_bucket_server_side_encryption_configuration");
    expect(encryption.rule[0].apply_server_side_encryption_by_default.sse_algorithm).toBe("aws:kms");
  });

  it("gets the Postgres instance with an RDS-managed password, encryption and protection", () => {
    expect(onlyResource(synthesized, "aws_db_instance")).toEqual(
      expect.objectContaining({
        identifier: "orders",
        db_name: "orders",
        engine: "postgres",
        manage_master_user_password: true,
        storage_encrypted: true,
        publicly_accessible: false,
        multi_az: true,
        deletion_protection: true,
        lifecycle: { prevent_destroy: true },
      }),
    );
    const ingress = onlyResource(synthesized, "aws_vpc_security_group_ingress_rule");
    expect(ingress).toEqual(expect.objectContaining({ from_port: 5432, to_port: 5432 }));
    expect(ingress.referenced_security_group_id).toMatch(/^\$\{aws_security_group\.AppSecurityGroup/);
  });

  it("exports what its stack chose to export", () => {
    expect(Object.keys(synthesized.output ?? {}).sort()).toEqual([
      "database_endpoint",
      "database_secret_arn",
      "documents_bucket",
      "vpc_id",
    ]);
  });

  it("passes the production policy pack: no error annotations", () => {
    const annotations = manifest.stacks[STACK_ID].annotations ?? [];
    expect(annotations.filter((a) => a.level === "error")).toEqual([]);
  });
});
