import { PermanentError } from './errors.ts';

/** An open incident as commands see it. */
export interface OpenIncident {
  id: string;
  title: string;
  severity: string;
  source: string;
  count: number;
  firstSeen: number;
  lastSeen: number;
  acknowledgedBy?: string;
  /** Link to the incident's parent message, once posted. */
  link?: string;
}

/** Read-only access to incidents for commands (`/ops incidents`). */
export interface IncidentsPort {
  listOpen(): Promise<OpenIncident[]>;
}

let provided: IncidentsPort | undefined;

/** Wired once per process by the incidents module at start-up. */
export function provideIncidents(port: IncidentsPort | undefined): void {
  provided = port;
}

export const incidents: IncidentsPort = {
  listOpen: () =>
    provided
      ? provided.listOpen()
      : Promise.reject(
          new PermanentError('incidents_unavailable', 'incidents are not wired in this process'),
        ),
};
