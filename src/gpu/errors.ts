/** A GPU failure with a message meant for people: validation, out-of-memory, device loss, limits. */
export class GpuError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GpuError';
  }
}

