import * as $protobuf from "protobufjs";
import Long = require("long");

/** Namespace perftools. */
export namespace perftools {

    /** Namespace profiles. */
    namespace profiles {

        /**
         * Properties of a Profile.
         * @deprecated Use perftools.profiles.Profile.$Properties instead.
         */
        interface IProfile extends perftools.profiles.Profile.$Properties {
        }

        /** Represents a Profile. */
        class Profile {

            /**
             * Constructs a new Profile.
             * @param [properties] Properties to set
             */
            constructor(properties?: perftools.profiles.Profile.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** Profile sampleType. */
            sampleType: perftools.profiles.ValueType.$Properties[];

            /** Profile sample. */
            sample: perftools.profiles.Sample.$Properties[];

            /** Profile mapping. */
            mapping: perftools.profiles.Mapping.$Properties[];

            /** Profile location. */
            location: perftools.profiles.Location.$Properties[];

            /** Profile function. */
            function: perftools.profiles.Function.$Properties[];

            /** Profile stringTable. */
            stringTable: string[];

            /** Profile dropFrames. */
            dropFrames: number;

            /** Profile keepFrames. */
            keepFrames: number;

            /** Profile timeNanos. */
            timeNanos: number;

            /** Profile durationNanos. */
            durationNanos: number;

            /** Profile periodType. */
            periodType?: (perftools.profiles.ValueType.$Properties|null);

            /** Profile period. */
            period: number;

            /** Profile comment. */
            comment: number[];

            /** Profile defaultSampleType. */
            defaultSampleType: number;

            /** Profile docUrl. */
            docUrl: number;

            /**
             * Creates a new Profile instance using the specified properties.
             * @param [properties] Properties to set
             * @returns Profile instance
             */
            static create(properties: perftools.profiles.Profile.$Shape): perftools.profiles.Profile & perftools.profiles.Profile.$Shape;
            static create(properties?: perftools.profiles.Profile.$Properties): perftools.profiles.Profile;

            /**
             * Decodes a Profile message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {perftools.profiles.Profile & perftools.profiles.Profile.$Shape} Profile
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): perftools.profiles.Profile & perftools.profiles.Profile.$Shape;

            /**
             * Gets the type url for Profile
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace Profile {

            /** Properties of a Profile. */
            interface $Properties {

                /** Profile sampleType */
                sampleType?: (perftools.profiles.ValueType.$Properties[]|null);

                /** Profile sample */
                sample?: (perftools.profiles.Sample.$Properties[]|null);

                /** Profile mapping */
                mapping?: (perftools.profiles.Mapping.$Properties[]|null);

                /** Profile location */
                location?: (perftools.profiles.Location.$Properties[]|null);

                /** Profile function */
                "function"?: (perftools.profiles.Function.$Properties[]|null);

                /** Profile stringTable */
                stringTable?: (string[]|null);

                /** Profile dropFrames */
                dropFrames?: (number|null);

                /** Profile keepFrames */
                keepFrames?: (number|null);

                /** Profile timeNanos */
                timeNanos?: (number|null);

                /** Profile durationNanos */
                durationNanos?: (number|null);

                /** Profile periodType */
                periodType?: (perftools.profiles.ValueType.$Properties|null);

                /** Profile period */
                period?: (number|null);

                /** Profile comment */
                comment?: (number[]|null);

                /** Profile defaultSampleType */
                defaultSampleType?: (number|null);

                /** Profile docUrl */
                docUrl?: (number|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a Profile. */
            type $Shape = perftools.profiles.Profile.$Properties;
        }

        /**
         * Properties of a ValueType.
         * @deprecated Use perftools.profiles.ValueType.$Properties instead.
         */
        interface IValueType extends perftools.profiles.ValueType.$Properties {
        }

        /** Represents a ValueType. */
        class ValueType {

            /**
             * Constructs a new ValueType.
             * @param [properties] Properties to set
             */
            constructor(properties?: perftools.profiles.ValueType.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** ValueType type. */
            type: number;

            /** ValueType unit. */
            unit: number;

            /**
             * Creates a new ValueType instance using the specified properties.
             * @param [properties] Properties to set
             * @returns ValueType instance
             */
            static create(properties: perftools.profiles.ValueType.$Shape): perftools.profiles.ValueType & perftools.profiles.ValueType.$Shape;
            static create(properties?: perftools.profiles.ValueType.$Properties): perftools.profiles.ValueType;

            /**
             * Decodes a ValueType message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {perftools.profiles.ValueType & perftools.profiles.ValueType.$Shape} ValueType
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): perftools.profiles.ValueType & perftools.profiles.ValueType.$Shape;

            /**
             * Gets the type url for ValueType
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace ValueType {

            /** Properties of a ValueType. */
            interface $Properties {

                /** ValueType type */
                type?: (number|null);

                /** ValueType unit */
                unit?: (number|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a ValueType. */
            type $Shape = perftools.profiles.ValueType.$Properties;
        }

        /**
         * Properties of a Sample.
         * @deprecated Use perftools.profiles.Sample.$Properties instead.
         */
        interface ISample extends perftools.profiles.Sample.$Properties {
        }

        /** Represents a Sample. */
        class Sample {

            /**
             * Constructs a new Sample.
             * @param [properties] Properties to set
             */
            constructor(properties?: perftools.profiles.Sample.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** Sample locationId. */
            locationId: number[];

            /** Sample value. */
            value: number[];

            /** Sample label. */
            label: perftools.profiles.Label.$Properties[];

            /**
             * Creates a new Sample instance using the specified properties.
             * @param [properties] Properties to set
             * @returns Sample instance
             */
            static create(properties: perftools.profiles.Sample.$Shape): perftools.profiles.Sample & perftools.profiles.Sample.$Shape;
            static create(properties?: perftools.profiles.Sample.$Properties): perftools.profiles.Sample;

            /**
             * Decodes a Sample message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {perftools.profiles.Sample & perftools.profiles.Sample.$Shape} Sample
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): perftools.profiles.Sample & perftools.profiles.Sample.$Shape;

            /**
             * Gets the type url for Sample
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace Sample {

            /** Properties of a Sample. */
            interface $Properties {

                /** Sample locationId */
                locationId?: (number[]|null);

                /** Sample value */
                value?: (number[]|null);

                /** Sample label */
                label?: (perftools.profiles.Label.$Properties[]|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a Sample. */
            type $Shape = perftools.profiles.Sample.$Properties;
        }

        /**
         * Properties of a Label.
         * @deprecated Use perftools.profiles.Label.$Properties instead.
         */
        interface ILabel extends perftools.profiles.Label.$Properties {
        }

        /** Represents a Label. */
        class Label {

            /**
             * Constructs a new Label.
             * @param [properties] Properties to set
             */
            constructor(properties?: perftools.profiles.Label.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** Label key. */
            key: number;

            /** Label str. */
            str: number;

            /** Label num. */
            num: number;

            /** Label numUnit. */
            numUnit: number;

            /**
             * Creates a new Label instance using the specified properties.
             * @param [properties] Properties to set
             * @returns Label instance
             */
            static create(properties: perftools.profiles.Label.$Shape): perftools.profiles.Label & perftools.profiles.Label.$Shape;
            static create(properties?: perftools.profiles.Label.$Properties): perftools.profiles.Label;

            /**
             * Decodes a Label message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {perftools.profiles.Label & perftools.profiles.Label.$Shape} Label
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): perftools.profiles.Label & perftools.profiles.Label.$Shape;

            /**
             * Gets the type url for Label
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace Label {

            /** Properties of a Label. */
            interface $Properties {

                /** Label key */
                key?: (number|null);

                /** Label str */
                str?: (number|null);

                /** Label num */
                num?: (number|null);

                /** Label numUnit */
                numUnit?: (number|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a Label. */
            type $Shape = perftools.profiles.Label.$Properties;
        }

        /**
         * Properties of a Mapping.
         * @deprecated Use perftools.profiles.Mapping.$Properties instead.
         */
        interface IMapping extends perftools.profiles.Mapping.$Properties {
        }

        /** Represents a Mapping. */
        class Mapping {

            /**
             * Constructs a new Mapping.
             * @param [properties] Properties to set
             */
            constructor(properties?: perftools.profiles.Mapping.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** Mapping id. */
            id: number;

            /** Mapping memoryStart. */
            memoryStart: number;

            /** Mapping memoryLimit. */
            memoryLimit: number;

            /** Mapping fileOffset. */
            fileOffset: number;

            /** Mapping filename. */
            filename: number;

            /** Mapping buildId. */
            buildId: number;

            /** Mapping hasFunctions. */
            hasFunctions: boolean;

            /** Mapping hasFilenames. */
            hasFilenames: boolean;

            /** Mapping hasLineNumbers. */
            hasLineNumbers: boolean;

            /** Mapping hasInlineFrames. */
            hasInlineFrames: boolean;

            /**
             * Creates a new Mapping instance using the specified properties.
             * @param [properties] Properties to set
             * @returns Mapping instance
             */
            static create(properties: perftools.profiles.Mapping.$Shape): perftools.profiles.Mapping & perftools.profiles.Mapping.$Shape;
            static create(properties?: perftools.profiles.Mapping.$Properties): perftools.profiles.Mapping;

            /**
             * Decodes a Mapping message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {perftools.profiles.Mapping & perftools.profiles.Mapping.$Shape} Mapping
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): perftools.profiles.Mapping & perftools.profiles.Mapping.$Shape;

            /**
             * Gets the type url for Mapping
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace Mapping {

            /** Properties of a Mapping. */
            interface $Properties {

                /** Mapping id */
                id?: (number|null);

                /** Mapping memoryStart */
                memoryStart?: (number|null);

                /** Mapping memoryLimit */
                memoryLimit?: (number|null);

                /** Mapping fileOffset */
                fileOffset?: (number|null);

                /** Mapping filename */
                filename?: (number|null);

                /** Mapping buildId */
                buildId?: (number|null);

                /** Mapping hasFunctions */
                hasFunctions?: (boolean|null);

                /** Mapping hasFilenames */
                hasFilenames?: (boolean|null);

                /** Mapping hasLineNumbers */
                hasLineNumbers?: (boolean|null);

                /** Mapping hasInlineFrames */
                hasInlineFrames?: (boolean|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a Mapping. */
            type $Shape = perftools.profiles.Mapping.$Properties;
        }

        /**
         * Properties of a Location.
         * @deprecated Use perftools.profiles.Location.$Properties instead.
         */
        interface ILocation extends perftools.profiles.Location.$Properties {
        }

        /** Represents a Location. */
        class Location {

            /**
             * Constructs a new Location.
             * @param [properties] Properties to set
             */
            constructor(properties?: perftools.profiles.Location.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** Location id. */
            id: number;

            /** Location mappingId. */
            mappingId: number;

            /** Location address. */
            address: number;

            /** Location line. */
            line: perftools.profiles.Line.$Properties[];

            /** Location isFolded. */
            isFolded: boolean;

            /**
             * Creates a new Location instance using the specified properties.
             * @param [properties] Properties to set
             * @returns Location instance
             */
            static create(properties: perftools.profiles.Location.$Shape): perftools.profiles.Location & perftools.profiles.Location.$Shape;
            static create(properties?: perftools.profiles.Location.$Properties): perftools.profiles.Location;

            /**
             * Decodes a Location message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {perftools.profiles.Location & perftools.profiles.Location.$Shape} Location
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): perftools.profiles.Location & perftools.profiles.Location.$Shape;

            /**
             * Gets the type url for Location
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace Location {

            /** Properties of a Location. */
            interface $Properties {

                /** Location id */
                id?: (number|null);

                /** Location mappingId */
                mappingId?: (number|null);

                /** Location address */
                address?: (number|null);

                /** Location line */
                line?: (perftools.profiles.Line.$Properties[]|null);

                /** Location isFolded */
                isFolded?: (boolean|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a Location. */
            type $Shape = perftools.profiles.Location.$Properties;
        }

        /**
         * Properties of a Line.
         * @deprecated Use perftools.profiles.Line.$Properties instead.
         */
        interface ILine extends perftools.profiles.Line.$Properties {
        }

        /** Represents a Line. */
        class Line {

            /**
             * Constructs a new Line.
             * @param [properties] Properties to set
             */
            constructor(properties?: perftools.profiles.Line.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** Line functionId. */
            functionId: number;

            /** Line line. */
            line: number;

            /** Line column. */
            column: number;

            /**
             * Creates a new Line instance using the specified properties.
             * @param [properties] Properties to set
             * @returns Line instance
             */
            static create(properties: perftools.profiles.Line.$Shape): perftools.profiles.Line & perftools.profiles.Line.$Shape;
            static create(properties?: perftools.profiles.Line.$Properties): perftools.profiles.Line;

            /**
             * Decodes a Line message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {perftools.profiles.Line & perftools.profiles.Line.$Shape} Line
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): perftools.profiles.Line & perftools.profiles.Line.$Shape;

            /**
             * Gets the type url for Line
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace Line {

            /** Properties of a Line. */
            interface $Properties {

                /** Line functionId */
                functionId?: (number|null);

                /** Line line */
                line?: (number|null);

                /** Line column */
                column?: (number|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a Line. */
            type $Shape = perftools.profiles.Line.$Properties;
        }

        /**
         * Properties of a Function.
         * @deprecated Use perftools.profiles.Function.$Properties instead.
         */
        interface IFunction extends perftools.profiles.Function.$Properties {
        }

        /** Represents a Function. */
        class Function {

            /**
             * Constructs a new Function.
             * @param [properties] Properties to set
             */
            constructor(properties?: perftools.profiles.Function.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** Function id. */
            id: number;

            /** Function name. */
            name: number;

            /** Function systemName. */
            systemName: number;

            /** Function filename. */
            filename: number;

            /** Function startLine. */
            startLine: number;

            /**
             * Creates a new Function instance using the specified properties.
             * @param [properties] Properties to set
             * @returns Function instance
             */
            static create(properties: perftools.profiles.Function.$Shape): perftools.profiles.Function & perftools.profiles.Function.$Shape;
            static create(properties?: perftools.profiles.Function.$Properties): perftools.profiles.Function;

            /**
             * Decodes a Function message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {perftools.profiles.Function & perftools.profiles.Function.$Shape} Function
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): perftools.profiles.Function & perftools.profiles.Function.$Shape;

            /**
             * Gets the type url for Function
             * @param [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns The type url
             */
            static getTypeUrl(prefix?: string): string;
        }

        namespace Function {

            /** Properties of a Function. */
            interface $Properties {

                /** Function id */
                id?: (number|null);

                /** Function name */
                name?: (number|null);

                /** Function systemName */
                systemName?: (number|null);

                /** Function filename */
                filename?: (number|null);

                /** Function startLine */
                startLine?: (number|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a Function. */
            type $Shape = perftools.profiles.Function.$Properties;
        }
    }
}
