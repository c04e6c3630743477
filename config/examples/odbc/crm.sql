-- Sample database for the ODBC example:  sqlite3 crm.db < crm.sql
CREATE TABLE accounts (id TEXT PRIMARY KEY, name TEXT NOT NULL, domain TEXT, revenue REAL, employees INTEGER,
                       updated_at TEXT NOT NULL);
CREATE TABLE contacts (id TEXT PRIMARY KEY, account_id TEXT REFERENCES accounts(id), full_name TEXT NOT NULL,
                       email TEXT, updated_at TEXT NOT NULL);
CREATE TABLE deals (id TEXT PRIMARY KEY, account_id TEXT NOT NULL REFERENCES accounts(id), name TEXT NOT NULL,
                    owner TEXT NOT NULL, stage TEXT NOT NULL, amount REAL, close_date TEXT, updated_at TEXT NOT NULL);
CREATE TABLE deal_contacts (deal_id TEXT REFERENCES deals(id), contact_id TEXT REFERENCES contacts(id),
                            PRIMARY KEY (deal_id, contact_id));

INSERT INTO accounts VALUES
  ('0017', 'Globex GmbH', 'globex.example', 8200000, 310, '2025-11-20 09:00:00'),
  ('0018', 'Initech AG', 'initech.example', 1450000.5, 45, '2025-11-19 15:30:00');
INSERT INTO contacts VALUES
  ('c-100', '0017', 'Hanna Schmidt', ' Hanna.Schmidt@Globex.example ', '2025-11-20 09:05:00'),
  ('c-101', '0018', 'Peter Gibbons', 'peter@initech.example', '2025-11-19 15:31:00');
INSERT INTO deals VALUES
  ('d-900', '0017', 'Globex expansion', 'lena.vogel@erp.example', 'Proposal', 120000, '2026-02-28', '2025-11-20 10:00:00'),
  ('d-901', '0018', 'Initech TPS tooling', 'lena.vogel@erp.example', 'Won', 36000, '2025-11-15', '2025-11-16 08:00:00');
INSERT INTO deal_contacts VALUES ('d-900', 'c-100'), ('d-901', 'c-101');
