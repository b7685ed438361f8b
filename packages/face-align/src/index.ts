export { DiffmacError } from '@diffmac/core';
