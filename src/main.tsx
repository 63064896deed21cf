import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './ui/App/App';
import { startUrlSync } from './state/urlSync';
import { startDefaultModels } from './state/defaultModels';
import { createPlaygroundApi } from './api/playground';
import './ui/styles.css';

window.playground = createPlaygroundApi();
startDefaultModels(startUrlSync());
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
