// A small writer for ONNX graphs: named inputs and outputs, float, int64 and uint8 initializers, and nodes of the
// default opset domain or of onnxruntime's contrib domain (com.microsoft). `encode()` gives the bytes of a ModelProto.

import { encodeModel, type AttributeProto, type NodeProto, type TensorProto, type ValueInfoProto } from './onnxProto';

export const OPSET_VERSION = 17; // LayerNormalization is opset 17
const IR_VERSION = 8; // the first IR version that allows opset 17

export type ElementType = 'float32' | 'int64' | 'bool' | 'uint8';
/** A dimension: a fixed size, or a symbolic name shared by every value with the same dimension. */
export type Dim = number | string;
/** Integers and integer lists are written as ints; wrap a float in `float()`. */
export type AttributeValue = number | number[] | { float: number };
export type Attributes = Record<string, AttributeValue>;

const ELEMENT_TYPES: Record<ElementType, number> = { float32: 1, int64: 7, bool: 9, uint8: 2 }; // TensorProto.DataType

/** Operator set domains other than the default one, each with the version a graph imports when a node uses it. */
const DOMAIN_VERSIONS = { 'com.microsoft': 1 } as const; // onnxruntime's contrib operators (MatMulNBits, …)
type OpDomain = keyof typeof DOMAIN_VERSIONS;

export const float = (value: number) => ({ float: value });

export class GraphBuilder {
  private readonly nodes: NodeProto[] = [];
  private readonly initializers: TensorProto[] = [];
  private readonly inputs: ValueInfoProto[] = [];
  private readonly outputs: ValueInfoProto[] = [];
  private readonly names = new Set<string>();
  private readonly domains = new Set<OpDomain>();

  constructor(private readonly graphName: string) {}

  input(name: string, type: ElementType, dims: Dim[]): string {
    this.inputs.push(valueInfo(this.claim(name), type, dims));
    return name;
  }

  /** Declares an already computed value as a graph output. */
  output(name: string, type: ElementType, dims: Dim[]): void {
    if (!this.names.has(name)) throw new Error(`ONNX export: output ${name} is never computed`);
    this.outputs.push(valueInfo(name, type, dims));
  }

  /** A float32 initializer (weights), stored as raw little-endian bytes without a copy. */
  weight(name: string, dims: number[], data: Float32Array): string {
    const expected = dims.reduce((product, dim) => product * dim, 1);
    if (data.length !== expected) throw new Error(`ONNX export: ${name} has ${data.length} values for shape [${dims.join(', ')}]`);
    this.initializers.push({ name: this.claim(name), dims, dataType: ELEMENT_TYPES.float32, rawData: bytesOf(data) });
    return name;
  }

  /** An int64 initializer: a shape, axes or indices. `dims` [] makes a scalar. */
  int64s(name: string, values: number[], dims: number[] = [values.length]): string {
    const data = BigInt64Array.from(values, (value) => BigInt(value));
    this.initializers.push({ name: this.claim(name), dims, dataType: ELEMENT_TYPES.int64, rawData: bytesOf(data) });
    return name;
  }

  /** A uint8 initializer (packed quantized weights), its bytes stored as they are. */
  uint8s(name: string, dims: number[], data: Uint8Array): string {
    const expected = dims.reduce((product, dim) => product * dim, 1);
    if (data.length !== expected) throw new Error(`ONNX export: ${name} has ${data.length} bytes for shape [${dims.join(', ')}]`);
    this.initializers.push({ name: this.claim(name), dims, dataType: ELEMENT_TYPES.uint8, rawData: data });
    return name;
  }

  /** A float32 scalar initializer. */
  scalar(name: string, value: number): string {
    this.initializers.push({ name: this.claim(name), dims: [], dataType: ELEMENT_TYPES.float32, rawData: bytesOf(Float32Array.of(value)) });
    return name;
  }

  has(name: string): boolean {
    return this.names.has(name);
  }

  /** Appends a node with one output, named `out`; returns that name. `domain`: an operator outside the ONNX default set. */
  op(opType: string, inputs: string[], out: string, attributes: Attributes = {}, domain?: OpDomain): string {
    return this.opWithOutputs(opType, inputs, [out], attributes, domain)[0];
  }

  opWithOutputs(opType: string, inputs: string[], outs: string[], attributes: Attributes = {}, domain?: OpDomain): string[] {
    for (const input of inputs) if (!this.names.has(input)) throw new Error(`ONNX export: ${opType} ${outs[0]} reads ${input} before it exists`);
    outs.forEach((name) => this.claim(name));
    if (domain) this.domains.add(domain);
    this.nodes.push({
      opType,
      domain,
      name: outs[0],
      input: inputs,
      output: outs,
      attribute: Object.entries(attributes).map(([name, value]) => attribute(name, value)),
    });
    return outs;
  }

  encode(docString: string): Uint8Array {
    return encodeModel({
      irVersion: IR_VERSION,
      opsetVersion: OPSET_VERSION,
      extraOpsets: [...this.domains].map((domain) => ({ domain, version: DOMAIN_VERSIONS[domain] })),
      producerName: 'transformer-playground',
      docString,
      graph: { name: this.graphName, node: this.nodes, initializer: this.initializers, input: this.inputs, output: this.outputs },
    });
  }

  private claim(name: string): string {
    if (this.names.has(name)) throw new Error(`ONNX export: the name ${name} is used twice`);
    this.names.add(name);
    return name;
  }
}

function valueInfo(name: string, type: ElementType, dims: Dim[]): ValueInfoProto {
  return { name, elemType: ELEMENT_TYPES[type], dims };
}

function attribute(name: string, value: AttributeValue): AttributeProto {
  if (Array.isArray(value)) return { name, type: 'ints', ints: value };
  if (typeof value === 'number') return { name, type: 'int', i: value };
  return { name, type: 'float', f: value.float };
}

function bytesOf(data: Float32Array | BigInt64Array): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
