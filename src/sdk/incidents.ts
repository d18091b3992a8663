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

/** Read-only access to incidents for commands (`/ops incidents`), on the step context. */
export interface IncidentsPort {
  listOpen(): Promise<OpenIncident[]>;
}
