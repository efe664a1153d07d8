// The verbs an upgrade to pods/exec, pods/attach or pods/portforward is authorized with, as the apiserver does: the
// request's own verb (POST is create, GET is get; the connect routes take no other method, 405), and for the
// WebSocket GET also `create` (KEP-4006's synthetic check, feature gate AuthorizePodWebsocketUpgradeCreatePermission),
// so a role that may only read pods cannot open a shell or a tunnel by choosing the WebSocket handshake over SPDY's POST.
import { methodNotAllowed } from '../../machinery/api/errors.js';

export function upgradeVerbs(method: string | undefined): string[] {
  if (method === 'POST') return ['create'];
  if (method === 'GET') return ['get', 'create'];
  throw methodNotAllowed();
}
