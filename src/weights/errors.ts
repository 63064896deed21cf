/** A checkpoint or model file that cannot be used, with the file (and tensor) it concerns. */
export class WeightsError extends Error {
  override readonly name = 'WeightsError';

  constructor(
    message: string,
    readonly file?: string,
    readonly tensor?: string,
  ) {
    super(message);
  }
}
