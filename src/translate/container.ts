// An app or init container → dockerode ContainerCreateOptions, joined to the pod's infra container.
import type Docker from 'dockerode';
import { buildEnv, dockerEnv, type EnvSources, type EnvWarning } from './env.js';
import { expandCommandAndArgs } from './expansion.js';
import type { Container, Pod } from './k8s-types.js';
import { containerLabels, type ContainerLabelOptions } from './labels.js';
import { containerMounts, subPathTargets, type MountOptions, type SubPathTarget } from './mounts.js';
import { containerDockerName } from './names.js';
import { resourceHostConfig } from './resources.js';
import { dockerUser, effectiveSecurityContext, securityHostConfig } from './security.js';
import type { VolumePlan } from './volume-plan.js';

/** kubelet's container log rotation defaults (containerLogMaxSize 10Mi, containerLogMaxFiles 5) in json-file terms. */
export const DEFAULT_LOG_CONFIG = { Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '5' } } as const;

export interface AppContainerParams extends ContainerLabelOptions, MountOptions {
  /** id (or name) of the running infra container */
  infraId: string;
  kind?: 'app' | 'init' | 'ephemeral';
  /** an ephemeral container's targetContainerName, running as this Docker id: its pid namespace is joined */
  targetId?: string;
  /** position in spec.containers / spec.initContainers / spec.ephemeralContainers */
  index: number;
  sources?: EnvSources;
  volumes?: VolumePlan;
  /** the image reference to run, when the caller resolved it (e.g. to an image id); defaults to container.image */
  image?: string;
}

export interface AppContainerSpec {
  options: Docker.ContainerCreateOptions;
  env: Map<string, string>;
  warnings: EnvWarning[];
}

const NO_VOLUMES: VolumePlan = { dockerVolumes: [], hostDirs: [], sources: {} };

/** The subPaths the runtime must resolve and pin before appCreateOptions (subPathExpr sees the container's env). */
export function containerSubPaths(pod: Pod, container: Container, params: AppContainerParams): SubPathTarget[] {
  if (!(container.volumeMounts ?? []).some((m) => m.subPath || m.subPathExpr)) return [];
  return subPathTargets(container, params.volumes ?? NO_VOLUMES, buildEnv(pod, container, params.sources).env, params);
}

export function appCreateOptions(pod: Pod, container: Container, params: AppContainerParams): AppContainerSpec {
  const { env, warnings } = buildEnv(pod, container, params.sources);
  const { command, args } = expandCommandAndArgs(container.command, container.args, env);
  const sc = effectiveSecurityContext(pod, container);
  const user = dockerUser(sc);
  const mounts = containerMounts(container, params.volumes ?? NO_VOLUMES, env, params);
  const infra = `container:${params.infraId}`;
  const grace = pod.spec.terminationGracePeriodSeconds ?? 30;
  const hostConfig: Docker.HostConfig = {
    NetworkMode: infra,
    IpcMode: pod.spec.hostIPC ? 'host' : infra,
    ...(pod.spec.hostPID
      ? { PidMode: 'host' }
      : params.targetId
        ? { PidMode: `container:${params.targetId}` }
        : pod.spec.shareProcessNamespace
          ? { PidMode: infra }
          : {}),
    RestartPolicy: { Name: 'no' },
    ...resourceHostConfig(container.resources),
    ...securityHostConfig(pod, sc),
    ...(mounts.Binds.length ? { Binds: mounts.Binds } : {}),
    ...(mounts.Mounts.length ? { Mounts: mounts.Mounts } : {}),
    LogConfig: { ...DEFAULT_LOG_CONFIG, Config: { ...DEFAULT_LOG_CONFIG.Config } },
  };
  const options: Docker.ContainerCreateOptions = {
    name: containerDockerName(
      { name: pod.metadata.name ?? '', namespace: pod.metadata.namespace ?? '', uid: pod.metadata.uid ?? '' },
      container.name,
      params.attempt,
    ),
    Image: params.image ?? container.image,
    Env: dockerEnv(env),
    Labels: containerLabels(pod, container, params.kind ?? 'app', params.index, params),
    HostConfig: hostConfig,
    // Kubernetes: command replaces ENTRYPOINT (and drops the image CMD); args alone replace CMD.
    ...(command ? { Entrypoint: command, Cmd: args ?? [] } : args ? { Cmd: args } : {}),
    ...(container.workingDir ? { WorkingDir: container.workingDir } : {}),
    ...(user !== undefined ? { User: user } : {}),
    Tty: container.tty === true,
    OpenStdin: container.stdin === true,
    StdinOnce: container.stdinOnce === true,
    AttachStdin: container.stdin === true,
    StopTimeout: grace,
    ...(typeof container.lifecycle?.stopSignal === 'string' ? { StopSignal: container.lifecycle.stopSignal } : {}),
  };
  return { options, env, warnings };
}
