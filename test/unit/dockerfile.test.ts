import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseDockerfile, parseEnvPairs } from "../../scripts/ops/dockerfile.js";

describe("the Dockerfile reader of scripts/container-check.ts", () => {
  it("joins continuations, drops comments, substitutes ARGs and reads options and exec form", () => {
    const parsed = parseDockerfile(
      ["# comment", "ARG V=24", "FROM node:${V}-slim AS build", "RUN a \\", "  # inside", "  && b", 'COPY --from=build --chown=node:node /x ./y', 'HEALTHCHECK --interval=5s CMD ["node", "-e", "1"]', 'CMD ["node", "main.js"]'].join("\n"),
    );
    expect(parsed.map((i) => i.keyword)).toEqual(["ARG", "FROM", "RUN", "COPY", "HEALTHCHECK", "CMD"]);
    expect(parsed[1]).toMatchObject({ args: ["node:24-slim", "AS", "build"], line: 3 });
    expect(parsed[2]!.text).toBe("a  && b");
    expect(parsed[3]).toMatchObject({ flags: { from: "build", chown: "node:node" }, args: ["/x", "./y"] });
    expect(parsed[4]).toMatchObject({ flags: { interval: "5s" }, args: ["node", "-e", "1"], exec: true });
    expect(parsed[5]).toMatchObject({ args: ["node", "main.js"], exec: true });
  });

  it("reads ENV pairs, quoted or not", () => {
    expect(parseEnvPairs('A=1 B="two words" C=')).toEqual({ A: "1", B: "two words", C: "" });
  });

  it("reads the project's Dockerfile: a non-root image running the start script's command", () => {
    const parsed = parseDockerfile(readFileSync(new URL("../../Dockerfile", import.meta.url), "utf8"));
    const last = (keyword: string) => parsed.filter((i) => i.keyword === keyword).at(-1);
    expect(parsed.filter((i) => i.keyword === "FROM")).toHaveLength(2);
    expect(last("USER")?.text).toBe("node");
    expect(last("CMD")?.args).toEqual(["node", "--max-semi-space-size=32", "dist/main.js"]);
    expect(last("HEALTHCHECK")?.args.join(" ")).toContain("/readyz");
  });
});
