// Every namespace gets a `default` ServiceAccount and the `kube-root-ca.crt` ConfigMap, put back when
// deleted (kube-controller-manager's serviceaccount and root-ca-cert-publisher controllers).
import { StatusError } from '../machinery/api/errors.js';
import { Controller } from './controller.js';
import { systemContext, type ReconcilerContext } from './context.js';

export const ROOT_CA_CONFIGMAP = 'kube-root-ca.crt';

export async function startNamespaceDefaults(ctx: ReconcilerContext, caCert: string): Promise<Controller> {
  const nsDef = ctx.def('', 'namespaces'), saDef = ctx.def('', 'serviceaccounts'), cmDef = ctx.def('', 'configmaps');
  const sys = systemContext('namespace-defaults');
  const ensure = async (create: () => Promise<unknown>) => {
    try { await create(); } catch (e) { if (!(e instanceof StatusError && (e.code === 409 || e.code === 403 || e.code === 404))) throw e; }
  };
  const c = new Controller('namespace-defaults', async (ns) => {
    let nsObj;
    try { nsObj = await ctx.service.get(nsDef, undefined, ns); } catch (e) { if (e instanceof StatusError && e.code === 404) return; throw e; }
    if (nsObj.metadata.deletionTimestamp) return;
    const sa = await ctx.service.list(saDef, ns, { fieldSelector: 'metadata.name=default' });
    if (!sa.items.length) await ensure(() => ctx.service.create(saDef, ns, { metadata: { name: 'default' } }, sys));
    const cm = await ctx.service.list(cmDef, ns, { fieldSelector: `metadata.name=${ROOT_CA_CONFIGMAP}` });
    const data = { 'ca.crt': caCert };
    if (!cm.items.length) {
      await ensure(() => ctx.service.create(cmDef, ns, {
        metadata: { name: ROOT_CA_CONFIGMAP, annotations: { 'kubernetes.io/description': 'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.' } },
        data,
      }, sys));
    } else if ((cm.items[0].data as Record<string, string> | undefined)?.['ca.crt'] !== caCert) {
      await ctx.service.update(cmDef, ns, ROOT_CA_CONFIGMAP, (cur) => ({ ...cur, data }), sys);
    }
  }, ctx.log);
  await c.watch(ctx.service, nsDef, (o) => [o.metadata.name!]);
  await c.watch(ctx.service, saDef, (o) => (o.metadata.name === 'default' ? [o.metadata.namespace!] : []));
  await c.watch(ctx.service, cmDef, (o) => (o.metadata.name === ROOT_CA_CONFIGMAP ? [o.metadata.namespace!] : []));
  return c;
}
