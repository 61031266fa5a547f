"use strict";
/**
 * Regenerates constructs/postgres/instance-class-catalog.ts (the RDS for PostgreSQL instance classes per
 * major version) from the RDS API: `aws rds describe-orderable-db-instance-options --engine postgres`
 * for every major version of the versions catalog. Needs AWS credentials that may call
 * rds:DescribeOrderableDBInstanceOptions; the region is AWS_REGION (default us-east-1, which offers
 * every class). Review the diff before committing: a class that disappears breaks environments using it.
 *
 *   node scripts/refresh-catalogs.cjs [--region <region>] [--dry-run]
 */
const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const CATALOG = path.join(__dirname, "..", "constructs", "postgres", "instance-class-catalog.ts");
const MAJOR_VERSIONS = [16, 17, 18]; // constructs/versions.ts POSTGRES_MAJOR_VERSIONS

const HEADER = `/**
 * The RDS for PostgreSQL instance class catalog: the DB instance classes RDS offers per PostgreSQL
 * major version (engine \`postgres\`). Regional availability varies; AWS checks that at apply.
 *
 * Generated data: regenerate with \`node scripts/refresh-catalogs.cjs\` (AWS credentials needed) rather
 * than editing by hand, and review the diff.
 */
export const POSTGRES_INSTANCE_CLASS_CATALOG: {
  readonly source: string;
  readonly retrieved: string;
  readonly engine: string;
  readonly majorVersions: Readonly<Record<string, readonly string[]>>;
} = `;

/**
 * The catalog object of the TypeScript module: its literal is plain JSON after the header, but for
 * lists shared by several major versions, which are plain JavaScript constants before it.
 */
function readCatalog(file) {
  const source = fs.readFileSync(file, "utf8");
  const declaration = source.indexOf("export const POSTGRES_INSTANCE_CLASS_CATALOG");
  const sharedLists = source.slice(0, declaration);
  const literal = source.slice(source.indexOf("} = {", declaration) + 4).replace(/;\s*$/, "");
  return Function(`"use strict"; ${sharedLists}\nreturn (${literal});`)();
}

/**
 * The module text for a catalog, before formatting. Major versions with the same classes share one
 * list (written once, as a constant named after them) so a reader sees at once that they are equal.
 */
function renderCatalog(catalog) {
  const versionsByList = new Map();
  for (const [major, classes] of Object.entries(catalog.majorVersions)) {
    const key = JSON.stringify(classes);
    versionsByList.set(key, [...(versionsByList.get(key) ?? []), major]);
  }
  const constants = [];
  const names = new Map();
  for (const [key, majors] of versionsByList) {
    if (majors.length < 2) continue;
    const name = `POSTGRES_${majors.join("_")}_CLASSES`;
    names.set(key, name);
    constants.push(
      `/** The classes of PostgreSQL ${majors.slice(0, -1).join(", ")} and ${majors.at(-1)}: RDS offers the same list for each. */\n` +
        `const ${name} = ${key};\n\n`,
    );
  }
  const versions = Object.entries(catalog.majorVersions).map(([major, classes]) => {
    const key = JSON.stringify(classes);
    return `${JSON.stringify(major)}: ${names.get(key) ?? key}`;
  });
  const fields = { ...catalog };
  delete fields.majorVersions;
  const head = JSON.stringify(fields, null, 2).replace(/\n}$/, "");
  // The file's comment stays first; with shared lists before it, the catalog gets a line of its own.
  const header =
    constants.length === 0
      ? HEADER
      : HEADER.replace(
          "export const",
          `\n${constants.join("")}/** The catalog: classes by major version, with their source and date. */\nexport const`,
        );
  return `${header}${head},\n  "majorVersions": {${versions.join(",")}}\n};\n`;
}

function main(argv, catalogFile = CATALOG) {
  const regionAt = argv.indexOf("--region");
  const region = regionAt >= 0 ? argv[regionAt + 1] : (process.env.AWS_REGION ?? "us-east-1");
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region ?? "")) {
    process.stderr.write(
      `refresh-catalogs: --region must be an AWS region such as us-east-1, got ${JSON.stringify(region)}\n`,
    );
    return 2;
  }
  const previous = readCatalog(catalogFile);
  const majorVersions = {};
  for (const major of MAJOR_VERSIONS) {
    const args = [
      "rds",
      "describe-orderable-db-instance-options",
      "--engine",
      "postgres",
      "--region",
      region,
      "--query",
      `OrderableDBInstanceOptions[?starts_with(EngineVersion, '${major}.')].DBInstanceClass`,
      "--output",
      "json",
    ];
    if (argv.includes("--dry-run")) {
      process.stdout.write(
        `aws ${args.map((a) => (/[\s?[\]']/.test(a) ? JSON.stringify(a) : a)).join(" ")}\n`,
      );
      continue;
    }
    let output;
    try {
      output = execFileSync("aws", args, {
        encoding: "utf8",
        env: process.env,
        stdio: ["ignore", "pipe", "pipe"],
      });
    } catch (error) {
      if (error.stderr) process.stderr.write(String(error.stderr));
      process.stderr.write(
        `refresh-catalogs: aws rds describe-orderable-db-instance-options failed for PostgreSQL ${major} (${error.status ?? error.code}); the catalog is unchanged\n`,
      );
      return 1;
    }
    let listed;
    try {
      listed = JSON.parse(output);
    } catch {
      listed = undefined;
    }
    if (!Array.isArray(listed) || listed.some((c) => typeof c !== "string")) {
      process.stderr.write(
        `refresh-catalogs: unexpected output from aws for PostgreSQL ${major} (expected a JSON list of instance classes); the catalog is unchanged\n`,
      );
      return 1;
    }
    const classes = [...new Set(listed)].sort();
    if (classes.length === 0) {
      process.stderr.write(
        `refresh-catalogs: RDS lists no instance class for PostgreSQL ${major} in ${region}; the catalog is unchanged\n`,
      );
      return 1;
    }
    majorVersions[String(major)] = classes;
  }
  if (argv.includes("--dry-run")) return 0;
  const catalog = {
    ...previous,
    source: `aws rds describe-orderable-db-instance-options --engine postgres --region ${region}`,
    retrieved: new Date().toISOString().slice(0, 10),
    majorVersions,
  };
  fs.writeFileSync(catalogFile, renderCatalog(catalog));
  // The project's formatting, so that the file passes \`prettier --check\` as written.
  execFileSync(
    process.execPath,
    [require.resolve("prettier/bin/prettier.cjs"), "--cache", "--write", catalogFile],
    {
      stdio: "ignore",
    },
  );
  process.stdout.write(
    `refresh-catalogs: wrote ${path.relative(process.cwd(), catalogFile)} (${MAJOR_VERSIONS.map((m) => `${m}: ${majorVersions[m].length}`).join(", ")} classes)\n`,
  );
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
module.exports = { main, CATALOG, readCatalog, renderCatalog };
