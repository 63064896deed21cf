// The few ONNX protobuf messages an exported graph needs, encoded by hand (field numbers from onnx/onnx.proto,
// IR version 8). A dependency-free writer keeps protobufjs and its CommonJS shims out of the page bundle, where
// they would pull the page's entry chunk into onnxruntime-web's worker threads.

export interface TensorProto {
  name: string;
  dims: number[];
  dataType: number; // TensorProto.DataType: 1 FLOAT, 2 UINT8, 7 INT64, 9 BOOL
  rawData: Uint8Array; // little-endian values
}

export type AttributeProto =
  | { name: string; type: 'int'; i: number }
  | { name: string; type: 'ints'; ints: number[] }
  | { name: string; type: 'float'; f: number };

export interface NodeProto {
  name: string;
  opType: string;
  domain?: string; // the operator set of opType, e.g. 'com.microsoft'; absent for the default ONNX domain
  input: string[];
  output: string[];
  attribute: AttributeProto[];
}

export interface ValueInfoProto {
  name: string;
  elemType: number;
  dims: (number | string)[];
}

/** An operator set beyond the default ONNX one (which `opsetVersion` names), e.g. onnxruntime's contrib operators. */
interface OperatorSetId {
  domain: string;
  version: number;
}

export interface ModelProto {
  irVersion: number;
  opsetVersion: number;
  extraOpsets?: OperatorSetId[];
  producerName: string;
  docString: string;
  graph: { name: string; node: NodeProto[]; initializer: TensorProto[]; input: ValueInfoProto[]; output: ValueInfoProto[] };
}

const ATTRIBUTE_TYPE = { float: 1, int: 2, ints: 7 } as const;

/** Appends protobuf wire-format fields as a list of byte chunks. */
class Writer {
  private readonly chunks: Uint8Array[] = [];
  private length = 0;

  varint(field: number, value: number): this {
    return this.tag(field, 0).rawVarint(value);
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  bytes(field: number, value: Uint8Array): this {
    this.tag(field, 2).rawVarint(value.length);
    return this.push(value);
  }

  float(field: number, value: number): this {
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, value, true);
    return this.tag(field, 5).push(bytes);
  }

  /** A nested message; its chunks are adopted, not copied (weights are copied once, by `finish`). */
  message(field: number, write: (writer: Writer) => void): this {
    const inner = new Writer();
    write(inner);
    this.tag(field, 2).rawVarint(inner.length);
    inner.chunks.forEach((chunk) => this.push(chunk));
    return this;
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.length);
    let offset = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }

  private tag(field: number, wireType: number): this {
    return this.rawVarint(field * 8 + wireType);
  }

  /** Base-128 varint; negative int64 values take ten bytes (two's complement), as protobuf writes them. */
  private rawVarint(value: number): this {
    let rest = BigInt.asUintN(64, BigInt(value));
    const bytes: number[] = [];
    do {
      const low = Number(rest & 0x7fn);
      rest >>= 7n;
      bytes.push(rest > 0n ? low | 0x80 : low);
    } while (rest > 0n);
    return this.push(Uint8Array.from(bytes));
  }

  private push(bytes: Uint8Array): this {
    this.chunks.push(bytes);
    this.length += bytes.length;
    return this;
  }
}

export function encodeModel(model: ModelProto): Uint8Array {
  const w = new Writer();
  w.varint(1, model.irVersion);
  w.string(2, model.producerName);
  w.string(6, model.docString);
  w.message(7, (graph) => writeGraph(graph, model.graph));
  w.message(8, (opset) => opset.string(1, '').varint(2, model.opsetVersion));
  for (const { domain, version } of model.extraOpsets ?? []) w.message(8, (opset) => opset.string(1, domain).varint(2, version));
  return w.finish();
}

function writeGraph(w: Writer, graph: ModelProto['graph']): void {
  for (const node of graph.node) w.message(1, (n) => writeNode(n, node));
  w.string(2, graph.name);
  for (const tensor of graph.initializer) w.message(5, (t) => writeTensor(t, tensor));
  for (const value of graph.input) w.message(11, (v) => writeValueInfo(v, value));
  for (const value of graph.output) w.message(12, (v) => writeValueInfo(v, value));
}

function writeNode(w: Writer, node: NodeProto): void {
  for (const input of node.input) w.string(1, input);
  for (const output of node.output) w.string(2, output);
  w.string(3, node.name);
  w.string(4, node.opType);
  for (const attribute of node.attribute) {
    w.message(5, (a) => {
      a.string(1, attribute.name);
      if (attribute.type === 'float') a.float(2, attribute.f);
      else if (attribute.type === 'int') a.varint(3, attribute.i);
      else for (const value of attribute.ints) a.varint(8, value);
      a.varint(20, ATTRIBUTE_TYPE[attribute.type]);
    });
  }
  if (node.domain) w.string(7, node.domain);
}

function writeTensor(w: Writer, tensor: TensorProto): void {
  for (const dim of tensor.dims) w.varint(1, dim);
  w.varint(2, tensor.dataType);
  w.string(8, tensor.name);
  w.bytes(9, tensor.rawData);
}

function writeValueInfo(w: Writer, value: ValueInfoProto): void {
  w.string(1, value.name);
  w.message(2, (type) =>
    type.message(1, (tensorType) => {
      tensorType.varint(1, value.elemType);
      tensorType.message(2, (shape) => {
        for (const dim of value.dims) shape.message(1, (d) => (typeof dim === 'number' ? d.varint(1, dim) : d.string(2, dim)));
      });
    }),
  );
}
