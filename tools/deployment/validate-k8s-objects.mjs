#!/usr/bin/env node
// Validates Kubernetes objects against the API schemas of kubernetes-models (and the Prometheus
// Operator's for monitoring.coreos.com). ES modules only, hence a script of its own that the Jest
// spec (tools/deployment/k8s.spec.ts) runs; by hand:
//   kubectl kustomize k8s/overlays/prod | node tools/deployment/validate-k8s-objects.mjs --yaml
// Input on stdin: a JSON array of objects (or YAML documents with --yaml). Output: a JSON array of
// { index, kind, name, problems } for the objects that fail, `[]` when all pass; exit 0 either way
// unless the input cannot be read.
import { parseAllDocuments } from 'yaml';

/** The module holding the models of an apiVersion, by the packages' export paths. */
function modelModule(apiVersion) {
  if (apiVersion.startsWith('monitoring.coreos.com/')) return `@kubernetes-models/prometheus-operator/${apiVersion}`;
  return `kubernetes-models/${apiVersion}`;
}

async function problemsOf(object) {
  const { apiVersion, kind } = object ?? {};
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return ['apiVersion and kind must be strings'];
  // One model module per kind (the group's index would load every model of it).
  let models;
  try {
    models = /^[A-Za-z]+$/.test(kind) ? await import(`${modelModule(apiVersion)}/${kind}`) : {};
  } catch {
    return [`no schema for ${apiVersion} ${kind}`];
  }
  const Model = models[kind];
  if (typeof Model !== 'function') return [`no schema for ${apiVersion} ${kind}`];
  try {
    new Model(object).validate();
    return [];
  } catch (error) {
    const details = Array.isArray(error.errors) ? error.errors : [];
    if (details.length === 0) return [String(error.message ?? error)];
    return details.map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`);
  }
}

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const text = Buffer.concat(chunks).toString('utf8');
const objects = process.argv.includes('--yaml')
  ? parseAllDocuments(text)
      .map((doc) => doc.toJS())
      .filter((o) => o != null)
  : JSON.parse(text);

const failures = [];
for (const [index, object] of objects.entries()) {
  const problems = await problemsOf(object);
  if (problems.length > 0) failures.push({ index, kind: object?.kind, name: object?.metadata?.name, problems });
}
process.stdout.write(`${JSON.stringify(failures, null, 2)}\n`);
