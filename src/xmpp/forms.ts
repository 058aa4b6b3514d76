import { xml, type Element } from "@xmpp/xml";
import { NS_DATA } from "./namespaces.js";

/*
 * Data forms (XEP-0004, https://xmpp.org/extensions/xep-0004.html): room configuration
 * (XEP-0045), extended disco#info (XEP-0128) and MAM query filters (XEP-0313) all use them.
 */

/** One field of a data form: its type and every `<value/>` (XEP-0004 §3.2). */
export interface FormField {
  type: string | null;
  values: string[];
  options: string[];
}

/** A parsed data form: FORM_TYPE and the fields by `var`. */
export interface DataForm {
  type: string | null;
  formType: string | null;
  fields: ReadonlyMap<string, FormField>;
}

/** Parses an `<x xmlns='jabber:x:data'/>` element. Fields without a `var` (fixed text) are skipped. */
export function parseDataForm(x: Element): DataForm {
  const fields = new Map<string, FormField>();
  for (const field of x.getChildren("field")) {
    const name = field.attrs.var;
    if (!name) continue;
    fields.set(name, {
      type: field.attrs.type ?? null,
      values: field.getChildren("value").map((v) => v.text()),
      options: field.getChildren("option").map((o) => o.getChildText("value") ?? "").filter((v) => v !== ""),
    });
  }
  return { type: x.attrs.type ?? null, formType: fields.get("FORM_TYPE")?.values[0] ?? null, fields };
}

/** The data forms among `parent`'s children (e.g. a disco#info query's XEP-0128 forms). */
export function parseDataForms(parent: Element | undefined): DataForm[] {
  return (parent?.getChildren("x", NS_DATA) ?? []).map(parseDataForm);
}

/** The first data form child of `parent`, or null. */
export function parseDataFormIn(parent: Element | undefined): DataForm | null {
  const x = parent?.getChild("x", NS_DATA);
  return x ? parseDataForm(x) : null;
}

/**
 * A submitted form with FORM_TYPE first (XEP-0004 §3.1, XEP-0068); only the given fields
 * are sent. Without `formType` and values, the empty form (e.g. accepting a room's
 * defaults, XEP-0045 §10.1.2).
 */
export function buildSubmitForm(formType?: string, values: Readonly<Record<string, readonly string[]>> = {}): Element {
  return xml(
    "x",
    { xmlns: NS_DATA, type: "submit" },
    formType !== undefined ? xml("field", { var: "FORM_TYPE", type: "hidden" }, xml("value", {}, formType)) : null,
    ...Object.entries(values).map(([name, vals]) => xml("field", { var: name }, ...vals.map((v) => xml("value", {}, v)))),
  );
}

/** XEP-0004 §3.3 boolean: "1"/"true" or "0"/"false"; null for anything else. */
export function parseFormBoolean(value: string | undefined): boolean | null {
  if (value === "1" || value === "true") return true;
  if (value === "0" || value === "false") return false;
  return null;
}
