// DataSource for the TypeORM CLI, e.g. from server/ after a build:
//   npx typeorm migration:show -d dist/database/data-source.js
// It reads the same environment variables as the server, through the same loadConfig.
import 'reflect-metadata';

import { DataSource } from 'typeorm';

import { loadConfig } from '../config/config';
import { buildDataSourceOptions } from './data-source-options';

export default new DataSource(buildDataSourceOptions(loadConfig(process.env)));
