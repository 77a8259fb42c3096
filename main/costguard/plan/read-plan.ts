import type { RawPlan } from '../engine/engine.ts';
import type { QueryShape, ShapeReader } from '../sql/shape.ts';
import type { PlanReading } from './plan.ts';
import { readPostgresPlan } from './postgres-plan.ts';
import { ShapeCostModel } from './sqlite-model.ts';
import { SqlitePlanPricer } from './sqlite-plan.ts';

/** A raw plan as a PlanReading: PostgreSQL's own costs, or SQLite's plan priced by the Cost Guard model. */
export function readPlan(raw: RawPlan, shape: QueryShape, reader: ShapeReader): PlanReading {
  if (raw.dialect === 'postgres') return readPostgresPlan(raw.plan);
  return new SqlitePlanPricer(new ShapeCostModel(shape, reader)).price(raw.rows);
}
