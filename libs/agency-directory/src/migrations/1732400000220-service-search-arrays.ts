import { MigrationInterface, QueryRunner } from 'typeorm';

/** A row trigger's function that recomputes one array on the service row from one child table. */
function syncFunction(table: string, column: string, value: string): string {
  return `
    CREATE FUNCTION ${table}_sync() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE sid uuid := coalesce(NEW.service_id, OLD.service_id);
    BEGIN
      UPDATE service SET ${column} = coalesce((SELECT array_agg(${value} ORDER BY ${value}) FROM ${table} WHERE service_id = sid), '{}')
       WHERE id = sid;
      RETURN NULL;
    END $$`;
}

/**
 * Search reads each service's needs and areas from arrays on the service row, kept in step with
 * service_need and service_area by triggers (so every writer, the API and the HSDS import alike,
 * keeps them right). A search is then one pass over one table, whatever the directory's size,
 * instead of a look-up per service in each of the two tables. Contacts, read with their service,
 * get the index by service they lacked.
 */
export class ServiceSearchArrays1732400000220 implements MigrationInterface {
  name = 'ServiceSearchArrays1732400000220';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE service ADD COLUMN need_term_ids uuid[] NOT NULL DEFAULT '{}', ADD COLUMN area_names text[] NOT NULL DEFAULT '{}'`);
    await q.query(`
      UPDATE service s SET
        need_term_ids = coalesce((SELECT array_agg(taxonomy_term_id ORDER BY taxonomy_term_id) FROM service_need WHERE service_id = s.id), '{}'),
        area_names    = coalesce((SELECT array_agg(name ORDER BY name) FROM service_area WHERE service_id = s.id), '{}')`);
    await q.query(syncFunction('service_need', 'need_term_ids', 'taxonomy_term_id'));
    await q.query(syncFunction('service_area', 'area_names', 'name'));
    await q.query('CREATE TRIGGER service_need_sync AFTER INSERT OR UPDATE OR DELETE ON service_need FOR EACH ROW EXECUTE FUNCTION service_need_sync()');
    await q.query('CREATE TRIGGER service_area_sync AFTER INSERT OR UPDATE OR DELETE ON service_area FOR EACH ROW EXECUTE FUNCTION service_area_sync()');
    await q.query('CREATE INDEX service_need_term_ids ON service USING gin (need_term_ids)');
    await q.query('CREATE INDEX service_area_names ON service USING gin (area_names)');
    // a service's contacts are read with it, by service
    await q.query('CREATE INDEX contact_service ON contact (service_id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX contact_service');
    await q.query('DROP TRIGGER service_area_sync ON service_area');
    await q.query('DROP TRIGGER service_need_sync ON service_need');
    await q.query('DROP FUNCTION service_area_sync()');
    await q.query('DROP FUNCTION service_need_sync()');
    await q.query('ALTER TABLE service DROP COLUMN area_names, DROP COLUMN need_term_ids');
  }
}
