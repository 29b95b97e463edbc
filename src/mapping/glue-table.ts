/**
 * Narrow local mirrors of the AWS Glue table shapes (`TableInput`, `Table`, `Column`, `StorageDescriptor`,
 * `DatabaseInput` of `@aws-sdk/client-glue`). Only fields this tool reads or must carry through an UpdateTable
 * are named; the shapes stay assignable to the SDK's input types, so the Glue target can pass them on unchanged.
 */

export type GlueParameters = Record<string, string>;

export interface GlueColumn {
  Name: string;
  Type?: string;
  Comment?: string;
  Parameters?: GlueParameters;
}

export interface GlueSerDeInfo {
  Name?: string;
  SerializationLibrary?: string;
  Parameters?: GlueParameters;
}

export interface GlueOrder {
  Column: string;
  SortOrder: number;
}

export interface GlueStorageDescriptor {
  Columns?: GlueColumn[];
  Location?: string;
  AdditionalLocations?: string[];
  InputFormat?: string;
  OutputFormat?: string;
  Compressed?: boolean;
  NumberOfBuckets?: number;
  SerdeInfo?: GlueSerDeInfo;
  BucketColumns?: string[];
  SortColumns?: GlueOrder[];
  Parameters?: GlueParameters;
  StoredAsSubDirectories?: boolean;
}

export interface GlueTableIdentifier {
  CatalogId?: string;
  DatabaseName?: string;
  Name?: string;
  Region?: string;
}

/** What CreateTable / UpdateTable accept. UpdateTable replaces all of it: an omitted field is wiped. */
export interface GlueTableInput {
  Name: string;
  Description?: string;
  Owner?: string;
  LastAccessTime?: Date;
  LastAnalyzedTime?: Date;
  Retention?: number;
  StorageDescriptor?: GlueStorageDescriptor;
  PartitionKeys?: GlueColumn[];
  ViewOriginalText?: string;
  ViewExpandedText?: string;
  TableType?: string;
  Parameters?: GlueParameters;
  TargetTable?: GlueTableIdentifier;
}

/** The writable TableInput fields, in the order this tool serialises them. */
export const TABLE_INPUT_FIELDS = [
  'Name',
  'Description',
  'Owner',
  'LastAccessTime',
  'LastAnalyzedTime',
  'Retention',
  'TableType',
  'Parameters',
  'StorageDescriptor',
  'PartitionKeys',
  'ViewOriginalText',
  'ViewExpandedText',
  'TargetTable',
] as const satisfies readonly (keyof GlueTableInput)[];

/**
 * What GetTable / GetTables return. The extra fields are read-only: they must never be sent back in a TableInput.
 * The file target stores the times as ISO strings; the SDK returns Dates.
 */
export type GlueTable = GlueTableInput & {
  DatabaseName: string;
  VersionId?: string;
  CreateTime?: Date | string;
  UpdateTime?: Date | string;
  CatalogId?: string;
  CreatedBy?: string;
  IsRegisteredWithLakeFormation?: boolean;
};

/** What CreateDatabase accepts. */
export interface GlueDatabaseInput {
  Name: string;
  Description?: string;
  LocationUri?: string;
  Parameters?: GlueParameters;
}

export type GlueDatabase = GlueDatabaseInput & { CreateTime?: Date | string; CatalogId?: string };
