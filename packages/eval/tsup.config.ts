import { packageBuild } from '../../tsup.base';

export default packageBuild({ index: 'src/index.ts', 'eval-worker': 'src/runner/eval-worker.ts' });
