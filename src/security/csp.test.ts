import { describe, expect, it } from "vitest";
import { DEFAULT_HUB_BASE } from "../core/io/hub.js";
import { DEFAULT_MODEL_HOSTS, modelHostsFrom, pagePolicy, workerPolicy } from "./csp.js";

const directive = (policy: string, name: string) =>
  policy
    .split("; ")
    .find((d) => d.startsWith(`${name} `))
    ?.split(" ")
    .slice(1);

describe("the Content-Security-Policy", () => {
  it("lets the page run only its own scripts and WebAssembly: no inline script, no eval", () => {
    expect(directive(pagePolicy(), "script-src")).toEqual(["'self'", "'wasm-unsafe-eval'"]);
    expect(directive(pagePolicy(), "worker-src")).toEqual(["'self'"]);
    expect(directive(pagePolicy(), "object-src")).toEqual(["'none'"]);
    for (const policy of [pagePolicy(), workerPolicy(), pagePolicy({ meta: true })]) {
      expect(policy).not.toMatch(/'unsafe-inline'|'unsafe-eval'|\*(?!\.)/);
    }
  });

  it("gives workers blob: scripts for the wasm backend's threads, and nothing else more", () => {
    expect(directive(workerPolicy(), "script-src")).toEqual(["'self'", "'wasm-unsafe-eval'", "blob:"]);
    expect(directive(workerPolicy(), "worker-src")).toEqual(["'self'", "blob:"]);
    expect(directive(workerPolicy(), "connect-src")).toEqual(directive(pagePolicy(), "connect-src"));
  });

  it("connects to its own origin and the model hosts only, the hub's default base among them", () => {
    const connect = directive(pagePolicy(), "connect-src");
    expect(connect).toEqual(["'self'", "blob:", ...DEFAULT_MODEL_HOSTS]);
    expect(connect).toContain(new URL(DEFAULT_HUB_BASE).origin);
    expect(directive(pagePolicy({ modelHosts: ["https://hub.example:8443"] }), "connect-src")).toEqual([
      "'self'",
      "blob:",
      "https://hub.example:8443",
    ]);
  });

  it("leaves frame-ancestors out of the <meta> form, where browsers ignore it", () => {
    expect(directive(pagePolicy(), "frame-ancestors")).toEqual(["'none'"]);
    expect(directive(pagePolicy({ meta: true }), "frame-ancestors")).toBeUndefined();
  });

  it("relaxes only what Vite's dev server needs (inline preamble, <style>, HMR socket)", () => {
    const dev = pagePolicy({ dev: true });
    expect(directive(dev, "script-src")).toContain("'unsafe-inline'");
    expect(directive(dev, "style-src")).toContain("'unsafe-inline'");
    expect(directive(dev, "connect-src")).toContain("ws:");
    expect(directive(dev, "script-src")).not.toContain("'unsafe-eval'");
  });

  it("reads model hosts from the environment, refusing anything that could inject a directive", () => {
    expect(modelHostsFrom(undefined)).toEqual(DEFAULT_MODEL_HOSTS);
    expect(modelHostsFrom(" ")).toEqual(DEFAULT_MODEL_HOSTS);
    expect(modelHostsFrom("https://a.example, http://localhost:8080 https://*.b.example")).toEqual([
      "https://a.example",
      "http://localhost:8080",
      "https://*.b.example",
    ]);
    for (const bad of [
      "https://a.example;script-src",
      "*",
      "'unsafe-eval'",
      "data:",
      "https://a.example/path",
    ]) {
      expect(() => modelHostsFrom(bad), bad).toThrow(/HARDNEG_MODEL_HOSTS/);
    }
  });
});
