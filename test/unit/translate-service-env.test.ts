// Service environment variables, with the cases of kubelet's TestMakeEnvironmentVariables / envvars tests.
import { serviceEnvVarMap, serviceVariables, type ServiceForEnv } from '../../src/translate/service-env.js';

type Ports = NonNullable<ServiceForEnv['spec']>['ports'];
const svc = (namespace: string, name: string, clusterIP: string, ports: Ports): ServiceForEnv => ({
  metadata: { name, namespace },
  spec: { clusterIP, ports },
});

test('one service: host, first port, named ports and the Docker link variables for every port', () => {
  expect(
    Object.fromEntries(
      serviceVariables(
        svc('ns', 'my-svc', '10.96.3.4', [
          { name: 'http', port: 80, protocol: 'TCP' },
          { name: 'dns-udp', port: 53, protocol: 'UDP' },
        ]),
      ),
    ),
  ).toEqual({
    MY_SVC_SERVICE_HOST: '10.96.3.4',
    MY_SVC_SERVICE_PORT: '80',
    MY_SVC_SERVICE_PORT_HTTP: '80',
    MY_SVC_SERVICE_PORT_DNS_UDP: '53',
    MY_SVC_PORT: 'tcp://10.96.3.4:80',
    MY_SVC_PORT_80_TCP: 'tcp://10.96.3.4:80',
    MY_SVC_PORT_80_TCP_PROTO: 'tcp',
    MY_SVC_PORT_80_TCP_PORT: '80',
    MY_SVC_PORT_80_TCP_ADDR: '10.96.3.4',
    MY_SVC_PORT_53_UDP: 'udp://10.96.3.4:53',
    MY_SVC_PORT_53_UDP_PROTO: 'udp',
    MY_SVC_PORT_53_UDP_PORT: '53',
    MY_SVC_PORT_53_UDP_ADDR: '10.96.3.4',
  });
  // An unnamed single port has no _SERVICE_PORT_<NAME>.
  expect(serviceVariables(svc('ns', 'a', '10.96.0.9', [{ port: 8080 }])).map(([k]) => k)).toEqual([
    'A_SERVICE_HOST',
    'A_SERVICE_PORT',
    'A_PORT',
    'A_PORT_8080_TCP',
    'A_PORT_8080_TCP_PROTO',
    'A_PORT_8080_TCP_PORT',
    'A_PORT_8080_TCP_ADDR',
  ]);
});

test("the pod's namespace with enableServiceLinks, default/kubernetes always; headless and ExternalName never", () => {
  const services: ServiceForEnv[] = [
    svc('default', 'kubernetes', '10.96.0.1', [{ name: 'https', port: 443, protocol: 'TCP' }]),
    svc('ns', 'web', '10.96.1.1', [{ port: 80 }]),
    svc('ns', 'headless', 'None', [{ port: 80 }]),
    { metadata: { name: 'ext', namespace: 'ns' }, spec: { ports: [{ port: 80 }] } },
    svc('other', 'elsewhere', '10.96.1.2', [{ port: 80 }]),
    svc('default', 'not-master', '10.96.1.3', [{ port: 80 }]),
  ];
  const keys = (m: Record<string, string>) =>
    Object.keys(m)
      .filter((k) => k.endsWith('_SERVICE_HOST'))
      .sort();
  expect(keys(serviceEnvVarMap(services, 'ns', true))).toEqual(['KUBERNETES_SERVICE_HOST', 'WEB_SERVICE_HOST']);
  expect(keys(serviceEnvVarMap(services, 'ns', false))).toEqual(['KUBERNETES_SERVICE_HOST']);
  expect(keys(serviceEnvVarMap(services, 'default', true))).toEqual(['KUBERNETES_SERVICE_HOST', 'NOT_MASTER_SERVICE_HOST']);
  expect(serviceEnvVarMap(services, 'ns', false)).toEqual({
    KUBERNETES_SERVICE_HOST: '10.96.0.1',
    KUBERNETES_SERVICE_PORT: '443',
    KUBERNETES_SERVICE_PORT_HTTPS: '443',
    KUBERNETES_PORT: 'tcp://10.96.0.1:443',
    KUBERNETES_PORT_443_TCP: 'tcp://10.96.0.1:443',
    KUBERNETES_PORT_443_TCP_PROTO: 'tcp',
    KUBERNETES_PORT_443_TCP_PORT: '443',
    KUBERNETES_PORT_443_TCP_ADDR: '10.96.0.1',
  });
});
