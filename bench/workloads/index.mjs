// The workload registry: add a file and list it here (storage, MVCC and vector workloads later).
import pointSelect from './point-select.mjs';
import rangeSelect from './range-select.mjs';
import scanCount from './scan-count.mjs';
import joinGroupBy from './join-group-by.mjs';
import orderByLimit from './order-by-limit.mjs';
import bulkInsert from './bulk-insert.mjs';
import updateByKey from './update-by-key.mjs';

export const workloads = [pointSelect, rangeSelect, scanCount, joinGroupBy, orderByLimit, bulkInsert, updateByKey];
