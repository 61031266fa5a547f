// @ts-check
import eslint from "@eslint/js";
import prettier from "eslint-config-prettier";
import tseslint from "typescript-eslint";

const PROVIDER_BARRELS = ["@cdktf/provider-aws", "@cdktf/provider-kubernetes", "@cdktf/provider-helm"];

export default tseslint.config(
  { ignores: ["node_modules/", "cdktf.out/", "coverage/", "constructs/dist/", "**/*.d.ts"] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    rules: {
      // The provider packages' barrels load every resource binding: seconds and gigabytes per synth.
      "no-restricted-imports": [
        "error",
        {
          paths: PROVIDER_BARRELS.map((name) => ({
            name,
            message: `Import the resource from '${name}/lib/<resource>' instead of the package barrel.`,
          })),
          patterns: [
            {
              regex: "^@cdktf/provider-(aws|kubernetes|helm)/lib/?(index)?$",
              message: "Import the resource from '@cdktf/provider-*/lib/<resource>' instead of a barrel.",
            },
          ],
        },
      ],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["test/**/*.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  {
    files: ["**/*.cjs", "**/*.js"],
    languageOptions: {
      sourceType: "commonjs",
      globals: {
        require: "readonly",
        module: "writable",
        process: "readonly",
        __dirname: "readonly",
        console: "readonly",
      },
    },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
