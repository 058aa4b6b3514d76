/**
 * A Dockerfile read into its instructions, enough for scripts/container-check.ts to run
 * the build without a container engine: line continuations joined, comments dropped,
 * ARG defaults substituted into later lines, exec-form (JSON) arguments parsed.
 * (Reference: https://docs.docker.com/reference/dockerfile/)
 */

export interface Instruction {
  /** Upper-case keyword: FROM, RUN, COPY … */
  keyword: string;
  /** The rest of the line, ARGs substituted. */
  text: string;
  /** `--name=value` options at the start (COPY --from, HEALTHCHECK --interval …). */
  flags: Record<string, string>;
  /** The arguments after the options: the JSON array in exec form, else words. */
  args: string[];
  /** True when the arguments were a JSON array (exec form). */
  exec: boolean;
  line: number;
}

/** Parses Dockerfile text. @throws Error naming the line of an instruction it cannot read. */
export function parseDockerfile(text: string): Instruction[] {
  const args = new Map<string, string>();
  const instructions: Instruction[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let line = lines[i]!;
    if (/^\s*(#|$)/.test(line)) continue;
    while (line.endsWith("\\") && i + 1 < lines.length) {
      i++;
      // Comment lines inside a continued instruction are dropped, as Docker does.
      if (/^\s*#/.test(lines[i]!)) continue;
      line = line.slice(0, -1) + " " + lines[i]!.trim();
    }
    const match = /^\s*([A-Za-z]+)\s+(.*)$/.exec(line);
    if (!match) throw new Error(`Dockerfile line ${start + 1}: cannot read "${line}"`);
    const keyword = match[1]!.toUpperCase();
    const rest = match[2]!.replace(/\$\{(\w+)\}|\$(\w+)/g, (whole, a?: string, b?: string) => args.get((a ?? b)!) ?? whole);
    const flags: Record<string, string> = {};
    let body = rest;
    for (let flag = /^--([\w-]+)=(\S+)\s+/.exec(body); flag; flag = /^--([\w-]+)=(\S+)\s+/.exec(body)) {
      flags[flag[1]!] = flag[2]!;
      body = body.slice(flag[0].length);
    }
    if (keyword === "HEALTHCHECK" || keyword === "ONBUILD") {
      // HEALTHCHECK [options] CMD …: the command is what follows CMD.
      body = body.replace(/^CMD\s+/i, "");
    }
    const exec = body.trimStart().startsWith("[");
    const parsedArgs = exec ? (JSON.parse(body) as string[]) : body.trim().split(/\s+/);
    if (keyword === "ARG") {
      const [name, value] = body.trim().split("=", 2);
      if (value !== undefined && !args.has(name!)) args.set(name!, value);
    }
    instructions.push({ keyword, text: body.trim(), flags, args: parsedArgs, exec, line: start + 1 });
  }
  return instructions;
}

/** ENV's `a=1 b="two words"` pairs. */
export function parseEnvPairs(text: string): Record<string, string> {
  const pairs: Record<string, string> = {};
  for (const [, key, quoted, plain] of text.matchAll(/(\w+)=(?:"([^"]*)"|(\S*))/g)) pairs[key!] = quoted ?? plain ?? "";
  return pairs;
}
