import { useState } from 'react';
import { exportLoadedOnnx } from '../../state/engineActions';

/** The loaded model's ONNX graph as a file download. */
export function useOnnxDownload() {
  const [error, setError] = useState<string>();
  const download = () => {
    setError(undefined);
    try {
      const { bytes, fileName } = exportLoadedOnnx();
      const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }));
      const link = Object.assign(document.createElement('a'), { href: url, download: fileName });
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    }
  };
  return { download, error };
}
