export { DiffmacError, describeValue, invalidArgument } from './errors';
