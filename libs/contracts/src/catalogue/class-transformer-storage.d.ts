// class-transformer ships the storage's types apart from its CommonJS build; the schema generator needs it to follow @Type() to nested classes.
declare module 'class-transformer/cjs/storage' {
  export { defaultMetadataStorage } from 'class-transformer/types/storage';
}
