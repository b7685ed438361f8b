export { SchedulerError } from './errors';
