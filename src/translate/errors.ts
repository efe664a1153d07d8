// A pod whose container cannot be configured (missing ConfigMap key, bad subPath...). kubelet
// reports these as the container's waiting reason CreateContainerConfigError with the message.
export class ContainerConfigError extends Error {
  readonly reason = 'CreateContainerConfigError';
  constructor(message: string) {
    super(message);
    this.name = 'ContainerConfigError';
  }
}

// A volume that cannot be set up; kubelet records FailedMount with this message and the pod stays ContainerCreating.
export class VolumeSetupError extends Error {
  readonly reason = 'FailedMount';
  constructor(
    readonly volume: string,
    readonly detail: string,
  ) {
    super(`MountVolume.SetUp failed for volume "${volume}" : ${detail}`);
    this.name = 'VolumeSetupError';
  }
}
