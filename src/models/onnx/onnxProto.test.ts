// Our hand-written protobuf encoder, decoded by the reference schema (npm onnx-proto, protobufjs).
import { onnx } from 'onnx-proto';
import { expect, it } from 'vitest';
import { encodeModel } from './onnxProto';

it('encodes a model that the official ONNX schema decodes field for field', () => {
  const weights = Float32Array.of(1.5, -2, 3.25);
  const bytes = encodeModel({
    irVersion: 8,
    opsetVersion: 17,
    producerName: 'transformer-playground',
    docString: 'a test',
    graph: {
      name: 'g',
      node: [
        { name: 'n', opType: 'LayerNormalization', input: ['x', 'w'], output: ['y'], attribute: [
          { name: 'axis', type: 'int', i: -1 },
          { name: 'epsilon', type: 'float', f: 1e-5 },
          { name: 'perm', type: 'ints', ints: [0, 2, 1, 3] },
        ] },
      ],
      initializer: [{ name: 'w', dims: [3], dataType: 1, rawData: new Uint8Array(weights.buffer) }],
      input: [{ name: 'x', elemType: 1, dims: ['batch_size', 3] }],
      output: [{ name: 'y', elemType: 1, dims: ['batch_size', 3] }],
    },
  });
  const model = onnx.ModelProto.toObject(onnx.ModelProto.decode(bytes), { longs: Number, bytes: Array });
  expect(model).toMatchObject({ irVersion: 8, producerName: 'transformer-playground', docString: 'a test', opsetImport: [{ version: 17 }] });
  const [node] = model.graph.node;
  expect(node).toMatchObject({ name: 'n', opType: 'LayerNormalization', input: ['x', 'w'], output: ['y'] });
  expect(node.attribute[0]).toMatchObject({ name: 'axis', i: -1, type: onnx.AttributeProto.AttributeType.INT });
  expect(node.attribute[1].f).toBeCloseTo(1e-5, 10);
  expect(node.attribute[2]).toMatchObject({ name: 'perm', ints: [0, 2, 1, 3], type: onnx.AttributeProto.AttributeType.INTS });
  const [initializer] = model.graph.initializer;
  expect(initializer).toMatchObject({ name: 'w', dims: [3], dataType: 1 });
  expect([...new Float32Array(Uint8Array.from(initializer.rawData).buffer)]).toEqual([1.5, -2, 3.25]);
  expect(model.graph.input[0].type.tensorType).toMatchObject({ elemType: 1, shape: { dim: [{ dimParam: 'batch_size' }, { dimValue: 3 }] } });
});
