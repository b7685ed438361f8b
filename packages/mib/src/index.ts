export { MibError } from './errors';
