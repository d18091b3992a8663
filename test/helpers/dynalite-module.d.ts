declare module 'dynalite' {
  import type { Server } from 'node:http';
  /** dynalite's factory: an http.Server answering the DynamoDB API. */
  export default function dynalite(options?: {
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
    path?: string;
  }): Server;
}
